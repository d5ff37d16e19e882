import { randomBytes, randomUUID } from 'node:crypto';

/** RFC 3261 §8.1.1.7: branch ids start with the magic cookie z9hG4bK. */
export const BRANCH_COOKIE = 'z9hG4bK';

export const newUuid = (): string => randomUUID();
export const newBranch = (): string => `${BRANCH_COOKIE}${randomBytes(10).toString('hex')}`;
/** RFC 3261 §19.3: tags need at least 32 bits of randomness. */
export const newTag = (): string => randomBytes(6).toString('hex');
export const newCallId = (): string => randomBytes(12).toString('hex');
