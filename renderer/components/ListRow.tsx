import { memo, type Ref } from 'react';
import { displayNameOf } from '../../app/model/display-name.js';
import type { Listener } from '../../app/model/listener.js';
import type { Viewer } from '../../app/model/snapshot.js';
import {
  addressLabel,
  describeExposure,
  describeHealth,
  describeOwner,
  protoLabel,
} from '../format/describe.js';
import { isSelf, SELF_NAME, getSelfPort } from '../format/self-port.js';
import { cleanText, splitMiddle, truncate } from '../format/text.js';
import { formatUptime } from '../format/time.js';
import { Badge } from './Badge.js';

/** Props of one row; everything is a primitive or a stable reference so memo can skip renders. */
export interface ListRowProps {
  readonly listener: Listener;
  readonly domId: string;
  /** Position in the list, for the virtualizer's measuring ref (rows may differ in height). */
  readonly index: number;
  readonly ref?: Ref<HTMLDivElement>;
  readonly top: number;
  readonly selected: boolean;
  readonly isNew: boolean;
  readonly gone: boolean;
  readonly watched: boolean;
  /** Pinned by the user (listed first); its label, when given, names the row. */
  readonly pinned?: boolean;
  readonly pinLabel?: string | null;
  /** Who the core runs as (the store's one object): unreadable owners are worded for it. */
  readonly viewer: Viewer | null;
  /** Uptime clock, rounded so rows do not re-render on every tick. */
  readonly now: number;
  readonly onPick: (id: string) => void;
  readonly onActivate: (id: string) => void;
}

/** The name a row shows first, and the process name when that differs (app/model/display-name.ts). */
export function rowName(
  l: Listener,
  viewer: Viewer | null,
): { readonly primary: string; readonly secondary: string | null } {
  if (isSelf(l, getSelfPort())) return { primary: SELF_NAME, secondary: describeOwner(l.owner, viewer).name };
  // A container's port is named by the container (docker-proxy → web) with its image second,
  // never by the working directory of Docker's plumbing.
  if (l.owner.kind === 'process' && l.owner.container?.name) {
    const o = describeOwner(l.owner, viewer);
    return { primary: o.name, secondary: o.project };
  }
  const d = displayNameOf(l);
  if (d !== null) return d;
  return { primary: describeOwner(l.owner, viewer).name, secondary: null };
}

const GONE_HEALTH = { label: 'gone', tone: 'muted', tooltip: 'No longer listening.' } as const;

/**
 * The accessible name of a row: what a screen reader says when it is selected. It carries what a
 * sighted user reads at a glance: port, name, exposure (open to the network?), health, and whose.
 */
export function rowLabel(
  l: Listener,
  viewer: Viewer | null,
  now?: number,
  label?: string | null,
  gone = false,
): string {
  const o = describeOwner(l.owner, viewer);
  const n = rowName(l, viewer);
  // A gone row is never announced with the health it had while it listened.
  const health = gone ? GONE_HEALTH : describeHealth(l.health);
  const exposure = describeExposure(l.exposure);
  const uptime = now !== undefined && l.owner.kind === 'process' ? formatUptime(l.owner.startedAt, now) : '';
  return [
    `Port ${l.port} ${protoLabel(l)} ${addressLabel(l.address)}`,
    label ? `${label} (${n.primary})` : n.secondary !== null ? `${n.primary} (${n.secondary})` : n.primary,
    ...(o.pid !== null ? [`pid ${o.pid}`] : []),
    exposure.label,
    health.label,
    `user ${o.user ?? 'unknown'}`,
    ...(uptime ? [`up ${uptime}`] : []),
  ].join(', ');
}

function ListRowImpl({ ref, ...props }: ListRowProps) {
  const { listener: l, selected, isNew, gone } = props;
  const owner = describeOwner(l.owner, props.viewer);
  // A fading row no longer answers anything: never "HTTP 200" on a listener that is gone.
  const health = gone ? GONE_HEALTH : describeHealth(l.health);
  const exposure = describeExposure(l.exposure);
  const uptime = l.owner.kind === 'process' ? formatUptime(l.owner.startedAt, props.now) : '';
  const service = l.service ? cleanText(l.service.name) : '';
  const named = rowName(l, props.viewer);
  const pinLabel = props.pinLabel ? cleanText(props.pinLabel) : null;
  // A user's label names the row; what the row would otherwise be called moves second.
  const name = pinLabel ? { primary: pinLabel, secondary: named.primary } : named;
  const [addrHead, addrTail] = splitMiddle(addressLabel(l.address));
  const className = `row${selected ? ' is-selected' : ''}${isNew ? ' is-new' : ''}${gone ? ' is-gone' : ''}${
    owner.known ? '' : ' is-unknown'
  }`;
  return (
    <div
      role="option"
      id={props.domId}
      ref={ref}
      data-index={props.index}
      aria-selected={selected}
      className={className}
      data-listener-id={l.id}
      data-port={l.port}
      style={{ transform: `translateY(${props.top}px)` }}
      onMouseDown={(e) => {
        // Keep focus where it is (filter or list); selection follows the click.
        e.preventDefault();
        props.onPick(l.id);
      }}
      onDoubleClick={() => props.onActivate(l.id)}
    >
      {/* The name comes from this text (not aria-label): axe's label-in-name rule then holds, and
          the visible cells below, which say the same in another order, are hidden from the tree. */}
      <span className="sr-only">
        {rowLabel(l, props.viewer, props.now, pinLabel, gone)}
        {props.pinned ? ', pinned' : ''}
        {props.watched ? ', watched' : ''}
      </span>
      <span className="cell-port" aria-hidden="true">
        <span className="port">{l.port}</span>
        {props.pinned ? (
          <span className="pin-mark" title="Pinned port" aria-hidden="true">
            📌
          </span>
        ) : null}
        {props.watched ? (
          <span className="watch-dot" title="Watched" aria-hidden="true">
            ●
          </span>
        ) : null}
      </span>
      <span className="cell-proto" aria-hidden="true">
        {protoLabel(l)}
      </span>
      <span className="line line1" aria-hidden="true">
        <span className="who">
          <span className="cell-name" title={owner.tooltip}>
            <span className="name">{truncate(name.primary, 64)}</span>
            {name.secondary !== null ? <span className="proc">{truncate(name.secondary, 24)}</span> : null}
            {service ? <span className="service">{truncate(service, 18)}</span> : null}
          </span>
        </span>
        <span className="cell-health">
          <Badge view={health} className="health" />
        </span>
      </span>
      <span className="line line2" aria-hidden="true">
        <span className="meta">
          <span className="cell-addr">
            <span className="addr" title={cleanText(l.address)}>
              <span className="addr-head">{addrHead}</span>
              <span className="addr-tail">{addrTail}</span>
            </span>
            <Badge view={exposure} className="exposure" />
          </span>
          <span className="cell-pid">{owner.pid !== null ? owner.pid : '—'}</span>
          <span className="cell-user" title={owner.user ?? 'unknown user'}>
            {owner.user !== null ? truncate(owner.user, 14) : '—'}
          </span>
        </span>
        <span className="cell-uptime">{uptime}</span>
      </span>
    </div>
  );
}

/** Re-render only when this row's own inputs changed (listener identity is kept when unchanged). */
export function rowPropsEqual(a: ListRowProps, b: ListRowProps): boolean {
  return (
    a.listener === b.listener &&
    a.domId === b.domId &&
    a.top === b.top &&
    a.selected === b.selected &&
    a.isNew === b.isNew &&
    a.gone === b.gone &&
    a.watched === b.watched &&
    a.pinned === b.pinned &&
    a.pinLabel === b.pinLabel &&
    a.viewer === b.viewer &&
    a.now === b.now &&
    a.onPick === b.onPick &&
    a.onActivate === b.onActivate
  );
}

/** One listener in the list (an ARIA option). */
export const ListRow = memo(ListRowImpl, rowPropsEqual);
