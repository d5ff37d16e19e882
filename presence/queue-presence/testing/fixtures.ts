/** Queues and services of the queue presence tests. */
import type { OpeningHoursData } from '../../../router/queues/model/queue-schema.js';
import type { PresenceServiceData } from '../config-schema.js';
import type { QueueInput } from '../model/resources.js';

export const DOMAIN = 'cc.example.com';
/** Monday 23 November 2026, 11:00 in Paris. */
export const MONDAY_11_PARIS = Date.parse('2026-11-23T10:00:00Z');

export const PARIS_OFFICE: OpeningHoursData = {
  timeZone: 'Europe/Paris',
  weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '09:00', close: '18:00' }],
  holidays: [],
};

const base = { denied: 'forbidden' as const, notes: {}, offerCallbacks: false };

export const QUEUES: readonly QueueInput[] = [
  {
    id: 'sales',
    hours: PARIS_OFFICE,
    presence: {
      users: ['sales'],
      access: 'public',
      denied: 'forbidden',
      notes: { en: 'Sales team', fr: 'Équipe commerciale' },
      offerCallbacks: true,
    },
  },
  { id: 'vip', presence: { ...base, users: ['vip'], access: 'authenticated' } },
  {
    id: 'partners',
    presence: { ...base, users: ['partners'], access: { allow: ['*.partner.example'] }, denied: 'polite' },
  },
  { id: 'internal', presence: { ...base, users: ['internal'], access: { allow: [`sip:boss@${DOMAIN}`] } } },
];

export const SERVICES: readonly PresenceServiceData[] = [
  { id: 'all', queues: ['sales', 'vip'], users: ['contact'], access: 'public', ...base },
];
