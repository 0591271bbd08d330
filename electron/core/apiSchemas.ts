// Runtime validation of every command argument arriving over a transport
// (IPC or WebSocket). The settings payload itself is validated by settings/schema.ts.
import { z } from 'zod';
import type { CommandName, DeliveryState } from './api.js';

const id = z.string().min(1).max(200);
const limit = z.number().int().positive().max(1_000_000).optional();
/** Every DeliveryState, checked against the type both ways (a missing or extra key fails to compile). */
const deliveryStates = Object.keys({ queued: 1, sent: 1, retrying: 1, failed: 1 } satisfies Record<DeliveryState, 1>) as [DeliveryState, ...DeliveryState[]];

export const commandArgSchemas = {
  getSettings: z.undefined(),
  saveSettings: z.record(z.string(), z.unknown()),
  getStatus: z.undefined(),
  listExchanges: z.object({ limit }).strict(),
  getExchange: z.object({ id }).strict(),
  getDelivery: z.object({ exchangeId: id }).strict(),
  listDeliveries: z
    .object({ limit, state: z.enum(deliveryStates).optional() })
    .strict(),
  clearTraffic: z.undefined(),
  retryDelivery: z.object({ exchangeId: id }).strict(),
  exportCa: z.undefined(),
  exportHar: z.object({ ids: z.array(id).max(1_000_000).optional() }).strict(),
} satisfies Record<CommandName, z.ZodType>;

function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commandArgSchemas, name);
}

/** Validates a transport request; returns the parsed argument or a message naming what is wrong. */
export function parseCommand(
  name: unknown,
  arg: unknown,
): { ok: true; name: CommandName; arg: unknown } | { ok: false; error: string } {
  if (!isCommandName(name)) return { ok: false, error: `unknown command: ${String(name).slice(0, 60)}` };
  const parsed = commandArgSchemas[name].safeParse(arg ?? undefined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'argument';
    return { ok: false, error: `${name}: ${where} ${issue?.message ?? 'is invalid'}` };
  }
  return { ok: true, name, arg: parsed.data };
}
