import type { Owner } from '../../app/model/listener.js';
import { cleanText } from './text.js';

/** What the faces show for a container-owned port (issue 10); all engine text cleaned. */
export interface ContainerView {
  readonly name: string;
  readonly image: string;
  /** `running (healthy) · compose shop/web · restart always`. */
  readonly facts: string;
}

/** The container behind a listener's owner (docker-proxy, dockerd…), when the engine named it. */
export function containerOf(owner: Owner): ContainerView | null {
  if (owner.kind !== 'process') return null;
  const info = owner.container?.info;
  if (!info) return null;
  const facts = [
    `${cleanText(info.state)}${info.health ? ` (${cleanText(info.health)})` : ''}`,
    info.composeProject
      ? `compose ${cleanText(info.composeProject)}/${cleanText(info.composeService ?? '?')}`
      : null,
    `restart ${cleanText(info.restartPolicy)}`,
  ].filter((x): x is string => x !== null);
  return { name: cleanText(info.name), image: cleanText(info.image), facts: facts.join(' · ') };
}
