import type { ContainerActionReport } from '../../containers/actions.js';
import { plumbingRefusal } from '../../containers/kill-route.js';
import type { ContainerInfo, ContainerSection } from '../../model/container.js';
import type { Listener, ProcessOwner } from '../../model/listener.js';
import type { HarbormasterService } from '../../service/types.js';
import { clean } from '../format.js';
import { parseArgs } from '../parse-args.js';
import type { CliCommand, CliContext } from '../types.js';
import { EXIT_REFUSED, EXIT_USAGE, describeSocket, printError, type OwnerGroup } from './port-target.js';

/** Exit code when Docker socket access is missing (same as kill's permission-denied). */
const EXIT_PERMISSION = 4;
const EXIT_CANCELLED = 5;

/** Several lines describing a container for a confirmation prompt; all engine text cleaned. */
export function describeContainer(c: ContainerInfo): string {
  const lines = [
    `container ${clean(c.name, 80)}  id ${c.shortId}  image ${clean(c.image, 120)}  ${clean(c.state, 20)}${
      c.health ? ` (${clean(c.health, 20)})` : ''
    }`,
  ];
  if (c.composeProject || c.composeService) {
    lines.push(
      `    compose: project ${clean(c.composeProject ?? '?', 80)}, service ${clean(c.composeService ?? '?', 80)}`,
    );
  }
  lines.push(`    restart: ${clean(c.restartPolicy, 30)}`);
  if (c.published.length > 0) {
    lines.push(
      `    ports:   ${c.published
        .map(
          (p) =>
            `${p.protocol} ${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp}:${p.hostPort} → ${p.containerPort}${p.note ? ` (${p.note})` : ''}`,
        )
        .join(', ')}`,
    );
  }
  for (const i of c.inside ?? []) if (i.note) lines.push(`    inside:  ${clean(i.note, 200)}`);
  return lines.join('\n');
}

/**
 * The containers part of `list`: each running container with its published ports (who holds each
 * on the host, or Docker's NAT) and the flagged sockets inside it. Engine text is cleaned.
 */
export function formatContainerSection(section: ContainerSection, listeners: readonly Listener[]): string {
  if (section.access !== 'ok') {
    return section.access === 'denied' ? `Containers: ${clean(section.message ?? '', 400)}` : '';
  }
  if (section.containers.length === 0) return '';
  const byId = new Map(listeners.map((l) => [l.id, l]));
  const lines = ['Containers:'];
  for (const c of section.containers) {
    const compose = c.composeProject
      ? `  compose ${clean(c.composeProject, 60)}/${clean(c.composeService ?? '?', 60)}`
      : '';
    lines.push(
      `  ${clean(c.name, 60)}  ${c.shortId}  ${clean(c.image, 80)}  ${clean(c.state, 20)}${c.health ? ` (${clean(c.health, 20)})` : ''}${compose}  restart ${clean(c.restartPolicy, 20)}`,
    );
    for (const p of c.published) {
      const holders = [
        ...new Set(
          p.listenerIds.map((id) => {
            const o = byId.get(id)?.owner;
            return o?.kind === 'process' ? `${clean(o.name, 40)} (pid ${o.pid})` : 'an unseen process';
          }),
        ),
      ];
      const ip = p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
      lines.push(
        `    ${p.protocol} ${ip}:${p.hostPort} → ${p.containerPort}   ${holders.length > 0 ? `held by ${holders.join(', ')}` : (p.note ?? '')}`,
      );
    }
    for (const i of c.inside ?? []) if (i.note) lines.push(`    inside: ${clean(i.note, 200)}`);
  }
  return lines.join('\n');
}

/** One line naming a container-owned port's real owner (for `who`). */
export function containerLine(owner: ProcessOwner): string | null {
  const c = owner.container?.info;
  if (!c) return owner.container?.access === 'denied' ? clean(owner.container.note ?? '', 400) : null;
  const compose = c.composeProject
    ? ` · compose ${clean(c.composeProject, 60)}/${clean(c.composeService ?? '?', 60)}`
    : '';
  return `container ${clean(c.name, 60)} · ${c.shortId} · image ${clean(c.image, 80)} · ${clean(c.state, 20)}${c.health ? ` (${clean(c.health, 20)})` : ''}${compose} · restart ${clean(c.restartPolicy, 20)} — stop it with: harbormaster stop-container ${c.shortId}`;
}

function exitFor(r: ContainerActionReport): number {
  return r.outcome === 'freed' || (r.action === 'restart' && r.outcome === 'restarted') ? 0 : 1;
}

function printResult(ctx: CliContext, json: boolean, r: ContainerActionReport): void {
  if (json) ctx.stdout(`${JSON.stringify(r, null, 2)}\n`);
  else ctx.stdout(`${clean(r.message, 600)}\n`);
}

/**
 * `kill <port>` when the port's holder is container plumbing (docker-proxy, dockerd, rootless
 * helpers): confirm with the container, image and compose project, then stop the container through
 * the Engine API. `--pid` aimed at the plumbing is refused: that pid is never signalled.
 */
export async function killContainerPort(
  ctx: CliContext,
  service: HarbormasterService,
  target: OwnerGroup,
  options: { json: boolean; yes: boolean; explicitPid: boolean; port: number },
): Promise<number> {
  const owner: ProcessOwner = target.owner;
  const info = owner.container?.info;
  const refusal = plumbingRefusal(owner, options.port).error;
  if (!info || options.explicitPid) {
    const hint =
      options.explicitPid && info
        ? `${clean(owner.name, 40)} (pid ${owner.pid}) is Docker's plumbing and is never signalled. To stop the container:`
        : refusal.hint;
    printError(ctx, options.json, {
      ...refusal,
      message: clean(refusal.message, 300),
      ...(hint ? { hint: clean(hint, 600) } : {}),
      ...(info ? { command: `harbormaster stop-container ${info.shortId}` } : {}),
    });
    return owner.container?.access === 'denied' ? EXIT_PERMISSION : EXIT_REFUSED;
  }
  if (!options.yes && ctx.prompt) {
    ctx.stdout(
      `Port ${options.port} is published by a container:\n  ${describeContainer(info)}\n    held on the host by ${clean(owner.name, 40)} (pid ${owner.pid}): ${target.listeners.map(describeSocket).join(', ')}\n    Harbormaster stops the container; it never signals ${clean(owner.name, 40)}.\n`,
    );
    const answer = await ctx.prompt(`Stop container ${clean(info.name, 80)}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) {
      ctx.stdout('Cancelled; nothing was stopped.\n');
      return EXIT_CANCELLED;
    }
  }
  const r = await service.containerAction({ container: info.id, action: 'stop' });
  if (!r.ok) {
    printError(ctx, options.json, r.error);
    return r.error.code === 'EPERM' ? EXIT_PERMISSION : 1;
  }
  printResult(ctx, options.json, r.value);
  return exitFor(r.value);
}

function containerCommand(action: 'stop' | 'restart'): CliCommand {
  const usage = `Usage: harbormaster ${action}-container <name|id> [--json]

${action === 'stop' ? 'Stops' : 'Restarts'} a running container through the Docker (or Podman) Engine API — never by
signalling docker-proxy or dockerd — then re-scans and reports its published ports${
    action === 'stop'
      ? ' free (or "restarted" if a restart policy or supervisor brought it back)'
      : ' served again'
  }.
Naming the container is the confirmation (for scripts). Needs access to the Docker socket.
Exit codes: 0 done and verified; 1 not verified; 2 bad input; 3 no such running container;
4 no access to the Docker socket.`;
  return {
    name: `${action}-container`,
    summary: `${action} a container by name or id (Engine API; verifies its ports)`,
    usage,
    async run(args, ctx) {
      const parsed = parseArgs(args, { flags: ['json'], options: [] });
      const json = args.includes('--json');
      if (!parsed.ok || parsed.positionals.length !== 1) {
        printError(
          ctx,
          json,
          parsed.ok ? `${action}-container needs exactly one container name or id.` : parsed.error,
          usage,
        );
        return EXIT_USAGE;
      }
      const ref = parsed.positionals[0] ?? '';
      if (!/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(ref)) {
        printError(ctx, json, `${JSON.stringify(ref.slice(0, 80))} is not a container name or id.`);
        return EXIT_USAGE;
      }
      const service = await ctx.service();
      const r = await service.containerAction({ container: ref, action });
      if (!r.ok) {
        printError(ctx, json, r.error);
        return r.error.code === 'EPERM'
          ? EXIT_PERMISSION
          : r.error.code === 'NOT_IN_SNAPSHOT'
            ? EXIT_REFUSED
            : 1;
      }
      printResult(ctx, json, r.value);
      return exitFor(r.value);
    },
  };
}

/** `harbormaster stop-container NAME|ID`. */
export const stopContainerCommand = containerCommand('stop');
/** `harbormaster restart-container NAME|ID`. */
export const restartContainerCommand = containerCommand('restart');
