// Which group a row goes under in the grouped list: container, compose project, project or process.
import type { Listener, ProcessOwner, UnknownOwner } from '../../app/model/listener.js';
import type { Viewer } from '../../app/model/snapshot.js';
import { unknownOwnerWords } from '../../app/model/unknown-owner-words.js';
import { cleanText } from '../format/text.js';

const groups = new WeakMap<Listener, { key: string; label: string; detail: string }>();

/**
 * The group a listener's row goes under (grouped list), cached per (stable) listener object. An
 * owner the scan could not read groups by its reason, worded for the viewer like every other face
 * (app/model/unknown-owner-words.ts): root is never told to get admin rights.
 */
export function groupOf(l: Listener, viewer: Viewer | null): { key: string; label: string; detail: string } {
  const owner = l.owner;
  if (owner.kind === 'unknown') return unknownGroup(owner, viewer);
  let g = groups.get(l);
  if (g === undefined) {
    g = processGroup(owner);
    groups.set(l, g);
  }
  return g;
}

function processGroup(o: ProcessOwner): { key: string; label: string; detail: string } {
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

/** "owner unknown (needs admin)" → label "Owner unknown", detail "needs admin". */
function unknownGroup(
  o: UnknownOwner,
  viewer: Viewer | null,
): { key: string; label: string; detail: string } {
  const short = unknownOwnerWords(o, viewer).short;
  const m = /^(.*) \((.*)\)$/.exec(short);
  const label = m?.[1] ?? short;
  return {
    key: `unknown:${o.reason}`,
    label: label.charAt(0).toUpperCase() + label.slice(1),
    detail: m?.[2] ?? '',
  };
}
