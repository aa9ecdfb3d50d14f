import { homedir } from 'node:os';
import { parsePortQuery } from '../../model/port.js';
import { pinnedPorts, pinPort, pinTitle, unpinPort } from '../../model/pins.js';
import type { Pin } from '../../model/settings.js';
import { readPins, userDataDir, writePins } from '../../settings/pins-file.js';
import { clean, jsonOut } from '../format.js';
import { commandArgs } from '../parse-args.js';
import type { CliCommand, CliContext } from '../types.js';

const PIN_USAGE = `Usage: harbormaster pin <port> [--label TEXT]

Pins <port>: the window and the tray list it first, and show it as "down" when nothing listens.
  --label TEXT   what you call it ("Storefront API"); --label "" removes the label
Pins live in the desktop app's settings file (HARBORMASTER_USER_DATA to point elsewhere).`;

const UNPIN_USAGE = `Usage: harbormaster unpin <port>

Removes the pin of <port>.`;

const PINS_USAGE = `Usage: harbormaster pins [--json]

Lists the pinned ports, their labels, and whether something listens on each now.`;

function dirOf(ctx: CliContext): string {
  return userDataDir(process.platform, ctx.env, homedir());
}

/** Parses `<port>` (also `:3000`), or prints why not and returns the exit code. */
function portArg(
  name: string,
  positionals: readonly string[],
  ctx: CliContext,
  usage: string,
): number | null {
  if (positionals.length !== 1) {
    ctx.stderr(`${name} takes one port.\n\n${usage}\n`);
    return null;
  }
  const r = parsePortQuery(positionals[0] ?? '');
  if (!r.ok) {
    ctx.stderr(`${r.error.message}\n`);
    return null;
  }
  return r.value.port;
}

async function update(ctx: CliContext, change: (pins: readonly Pin[]) => Pin[]): Promise<Pin[] | null> {
  const dir = dirOf(ctx);
  const current = await readPins(dir);
  if (!current.ok) {
    ctx.stderr(`${current.error.message}\n`);
    return null;
  }
  const next = change(current.value);
  const saved = await writePins(dir, next);
  if (!saved.ok) {
    ctx.stderr(`${saved.error.message}\n`);
    return null;
  }
  return next;
}

/** `harbormaster pin <port> [--label TEXT]`. */
export const pinCommand: CliCommand = {
  name: 'pin',
  summary: 'pin a port (listed first, shown as down when free), with an optional label',
  usage: PIN_USAGE,
  async run(args, ctx) {
    const parsed = commandArgs(ctx.stderr, PIN_USAGE, args, { options: ['label'] });
    if (parsed === null) return 2;
    const port = portArg('pin', parsed.positionals, ctx, PIN_USAGE);
    if (port === null) return 2;
    const label = parsed.options.get('label');
    const pins = await update(ctx, (p) => pinPort(p, port, label));
    if (pins === null) return 1;
    const pin = pins.find((p) => p.port === port);
    ctx.stdout(`Pinned ${clean(pin ? pinTitle(pin) : `:${port}`, 80)}\n`);
    return 0;
  },
};

/** `harbormaster unpin <port>`. */
export const unpinCommand: CliCommand = {
  name: 'unpin',
  summary: 'remove the pin of a port',
  usage: UNPIN_USAGE,
  async run(args, ctx) {
    const parsed = commandArgs(ctx.stderr, UNPIN_USAGE, args, {});
    if (parsed === null) return 2;
    const port = portArg('unpin', parsed.positionals, ctx, UNPIN_USAGE);
    if (port === null) return 2;
    let was = false;
    const pins = await update(ctx, (p) => {
      was = p.some((x) => x.port === port);
      return unpinPort(p, port);
    });
    if (pins === null) return 1;
    ctx.stdout(was ? `Unpinned :${port}\n` : `:${port} was not pinned\n`);
    return 0;
  },
};

/** `harbormaster pins [--json]`. */
export const pinsCommand: CliCommand = {
  name: 'pins',
  summary: 'list the pinned ports and whether each is up',
  usage: PINS_USAGE,
  async run(args, ctx) {
    const parsed = commandArgs(ctx.stderr, PINS_USAGE, args, { flags: ['json'] }, { name: 'pins' });
    if (parsed === null) return 2;
    const pins = await readPins(dirOf(ctx));
    if (!pins.ok) {
      ctx.stderr(`${pins.error.message}\n`);
      return 1;
    }
    if (pins.value.length === 0) {
      if (parsed.flags.has('json')) ctx.stdout(jsonOut([]));
      else ctx.stdout('No pinned ports. Pin one with: harbormaster pin <port> --label "Name"\n');
      return 0;
    }
    const service = await ctx.service({ ports: pins.value.map((p) => p.port) });
    const snapshot = await service.getSnapshot();
    const rows = pinnedPorts(pins.value, snapshot.listeners);
    if (parsed.flags.has('json')) {
      ctx.stdout(
        jsonOut(
          rows.map((r) => ({
            port: r.pin.port,
            label: r.pin.label,
            up: r.listeners.length > 0,
            pids: [...new Set(r.listeners.map((l) => l.owner.pid).filter((p) => p !== null))],
          })),
        ),
      );
      return 0;
    }
    for (const r of rows) {
      const first = r.listeners[0];
      const state =
        first === undefined
          ? 'down'
          : `up · ${first.owner.kind === 'process' ? `${clean(first.owner.name, 40)} (pid ${first.owner.pid})` : 'owner unknown'}`;
      ctx.stdout(`${clean(pinTitle(r.pin), 80)}  ${state}\n`);
    }
    return 0;
  },
};
