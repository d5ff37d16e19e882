/**
 * Derived views of an agent: its one-word status and whether it can take new work on a channel.
 *
 * Design §4.2: available = logged in and ready ∧ presence allows it ∧ (voice: a device is
 * registered) ∧ the channel has a free slot (reserved, on-call and wrap-up items each take one).
 */
import { CHANNELS } from './agent-types.js';
import type { Agent, AgentStatus, Channel } from './agent-types.js';

export type ChannelAvailability = 'available' | 'unavailable';

export type UnavailabilityReason =
  'logged-out' | 'not-ready' | 'presence' | 'no-registered-device' | 'channel-disabled' | 'at-capacity';

export function agentStatus(agent: Agent): AgentStatus {
  if (agent.mode === 'logged-out') return 'logged-out';
  for (const state of ['on-call', 'reserved', 'wrap-up'] as const) {
    if (agent.work.some((w) => w.state === state)) return state;
  }
  return agent.mode;
}

/** Items holding a slot on `channel`. */
export function occupancy(agent: Agent, channel: Channel): number {
  return agent.work.filter((w) => w.channel === channel).length;
}

/** Every reason the agent cannot take a new offer on `channel` (empty: available). */
export function unavailabilityReasons(agent: Agent, channel: Channel): UnavailabilityReason[] {
  const reasons: UnavailabilityReason[] = [];
  if (agent.mode === 'logged-out') reasons.push('logged-out');
  if (agent.mode === 'not-ready') reasons.push('not-ready');
  if (!agent.presence.available) reasons.push('presence');
  if (channel === 'voice' && agent.registeredDevices === 0) reasons.push('no-registered-device');
  const capacity = agent.config.capacity[channel];
  if (capacity <= 0) reasons.push('channel-disabled');
  else if (occupancy(agent, channel) >= capacity) reasons.push('at-capacity');
  return reasons;
}

export function channelAvailability(agent: Agent, channel: Channel): ChannelAvailability {
  return unavailabilityReasons(agent, channel).length === 0 ? 'available' : 'unavailable';
}

export function availability(agent: Agent): Record<Channel, ChannelAvailability> {
  const out = {} as Record<Channel, ChannelAvailability>;
  for (const c of CHANNELS) out[c] = channelAvailability(agent, c);
  return out;
}
