// Which group a row goes under in the grouped list: container, compose project, project or process.
import type { Listener } from '../../app/model/listener.js';
import { cleanText } from '../format/text.js';

const groups = new WeakMap<Listener, { key: string; label: string; detail: string }>();

/** The group a listener's row goes under (grouped list), cached per (stable) listener object. */
export function groupOf(l: Listener): { key: string; label: string; detail: string } {
  let g = groups.get(l);
  if (g === undefined) {
    g = computeGroup(l);
    groups.set(l, g);
  }
  return g;
}

function computeGroup(l: Listener): { key: string; label: string; detail: string } {
  const o = l.owner;
  if (o.kind === 'process') {
    // Issue 10: a container's ports (held by docker-proxy, dockerd…) group under the container,
    // and a compose project's containers under the project, whichever process holds them.
    const info = o.container?.info;
    if (info) {
      return info.composeProject
        ? {
            key: `compose:${info.composeProject}`,
            label: cleanText(info.composeProject),
            detail: 'compose project',
          }
        : {
            key: `container:${info.id}`,
            label: cleanText(info.name),
            detail: `container · ${cleanText(info.image)}`,
          };
    }
    if (o.project) {
      return {
        key: `p:${o.project.root}`,
        label: cleanText(o.project.name),
        detail: cleanText(o.project.root),
      };
    }
    if (o.container?.name) {
      return {
        key: `c:${o.container.name}`,
        label: cleanText(o.container.name),
        detail: `${o.container.kind} · ${cleanText(o.name)}`,
      };
    }
    return { key: `pid:${o.pid}:${o.startToken}`, label: cleanText(o.name), detail: `pid ${o.pid}` };
  }
  return { key: 'unknown', label: 'Owner unknown', detail: 'needs admin to see who' };
}
