import { sanitizeText } from '../health/text.js';
import type { Finding } from '../model/diagnosis.js';
import type { WhyFacts } from './types.js';

const t = (text: string, max = 80): string => sanitizeText(text, max);

/**
 * Issue 13 item 9, from the containers issue's facts (the snapshot's container section): a
 * container that listens on the port inside but does not publish it; a published port whose app
 * inside listens on 127.0.0.1 only; a container holding the port that is not running (restarting,
 * paused). Pure: the engine client and catalog (app/containers) gathered the facts.
 */
export function containerFindings(f: WhyFacts): Finding[] {
  const section = f.containers;
  if (!section || section.access !== 'ok') return [];
  const port = f.target.port;
  const out: Finding[] = [];
  const failed = !f.attempts.some((a) => a.result === 'answered');
  for (const c of section.containers) {
    const name = `${t(c.name)} (${c.shortId}, image ${t(c.image)})`;
    const publishes = c.published.filter((p) => p.hostPort === port);
    if (publishes.length > 0 && c.state !== 'running') {
      out.push({
        id: 'container-stopped',
        likelihood: 93,
        title: `Container ${name} publishes port ${port} but is ${t(c.state, 20)}`,
        evidence: [
          `container state: ${t(c.state, 20)} (restart policy ${t(c.restartPolicy, 20)})`,
          ...publishes.map((p) => `publishes ${p.hostIp}:${p.hostPort} → ${p.containerPort}/${p.protocol}`),
        ],
        meaning:
          c.state === 'restarting'
            ? 'The app inside keeps exiting and Docker keeps restarting it: between restarts nothing answers.'
            : 'The container is not running, so nothing inside can answer the published port.',
        fix:
          c.state === 'paused'
            ? [`docker unpause ${c.shortId}`]
            : c.state === 'restarting'
              ? [`docker logs ${c.shortId}`]
              : [`docker logs ${c.shortId}`, `docker start ${c.shortId}`],
      });
    }
    for (const p of publishes) {
      const inside = (c.inside ?? []).filter((i) => i.port === p.containerPort && i.protocol === p.protocol);
      if (inside.length > 0 && inside.every((i) => i.loopbackOnly)) {
        out.push({
          id: 'container-loopback-only',
          likelihood: 92,
          title: `Published, but the app inside ${name} listens on ${inside[0]?.address ?? '127.0.0.1'} only`,
          evidence: [
            `publishes ${p.hostIp}:${p.hostPort} → ${p.containerPort}/${p.protocol}`,
            ...inside.map((i) => `inside: ${i.protocol} ${i.address}:${i.port}`),
          ],
          meaning:
            "Docker forwards to the container's own address; an app bound to its loopback inside never sees those connections.",
          fix: [`Make the app inside listen on 0.0.0.0:${p.containerPort} (e.g. --host 0.0.0.0)`],
        });
      }
    }
    const unpublished = (c.inside ?? []).filter((i) => i.port === port && !i.published);
    if (unpublished.length > 0 && publishes.length === 0 && failed) {
      out.push({
        id: 'container-not-published',
        likelihood: 91,
        title: `Container ${name} listens on port ${port} inside, but does not publish it`,
        evidence: unpublished.map((i) => `inside: ${i.protocol} ${i.address}:${i.port}, not published`),
        meaning: 'A port inside a container is reachable from the host only when it is published.',
        fix: [`docker run -p 127.0.0.1:${port}:${port} …  (compose: ports: ["127.0.0.1:${port}:${port}"])`],
      });
    }
  }
  return out;
}
