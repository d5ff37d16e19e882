/**
 * Feeds the registrar's binding changes into agents' state: every `device.registered.<agentId>` and
 * `device.unregistered.<agentId>` carries the agent's binding count after the change, which becomes a
 * `devices-changed` event (design §4 flow 2: a voice offer needs a registered device). Repeated
 * counts are refused by the machine as 'no-change' and are benign.
 */
import { EVENTS } from '../../infra/bus/catalogue.js';
import type { BusEnvelope, BusLogger, EventBus, Unsubscribe } from '../../infra/bus/types.js';
import type { AgentStateService } from './agent-state-service.js';

function deviceCount(envelope: BusEnvelope): { agentId: string; devices: number } | undefined {
  const data = envelope.data as { agentId?: unknown; devices?: unknown };
  if (typeof data.agentId !== 'string' || typeof data.devices !== 'number') return undefined;
  return { agentId: data.agentId, devices: data.devices };
}

export function feedDeviceChanges(
  bus: EventBus,
  service: AgentStateService,
  logger?: BusLogger,
): Unsubscribe {
  const onEnvelope = (envelope: BusEnvelope): void => {
    const change = deviceCount(envelope);
    if (!change) return;
    service.submit(change.agentId, { type: 'devices-changed', registered: change.devices }).then(
      (r) => {
        if (!r.ok && r.code !== 'no-change')
          logger?.warn({ ...change, code: r.code }, 'devices-changed refused');
      },
      (err: unknown) => logger?.error({ ...change, err }, 'devices-changed failed'),
    );
  };
  const subs = [
    bus.subscribe(`${EVENTS.deviceRegistered.type}.>`, onEnvelope),
    bus.subscribe(`${EVENTS.deviceUnregistered.type}.>`, onEnvelope),
  ];
  return () => {
    for (const unsubscribe of subs) unsubscribe();
  };
}
