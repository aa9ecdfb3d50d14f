import { memo, type Ref } from 'react';
import type { Listener } from '../../app/model/listener.js';
import {
  addressLabel,
  describeExposure,
  describeHealth,
  describeOwner,
  protoLabel,
} from '../format/describe.js';
import { cleanText, truncate } from '../format/text.js';
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
  /** Uptime clock, rounded so rows do not re-render on every tick. */
  readonly now: number;
  readonly onPick: (id: string) => void;
  readonly onActivate: (id: string) => void;
}

/** The accessible name of a row: what a screen reader says when it is selected. */
export function rowLabel(l: Listener): string {
  const o = describeOwner(l.owner);
  const health = describeHealth(l.health);
  return `Port ${l.port} ${protoLabel(l)} ${addressLabel(l.address)}, ${o.name}${
    o.pid !== null ? `, pid ${o.pid}` : ''
  }, ${health.label}`;
}

const GONE_HEALTH = { label: 'gone', tone: 'muted', tooltip: 'No longer listening.' } as const;

function ListRowImpl({ ref, ...props }: ListRowProps) {
  const { listener: l, selected, isNew, gone } = props;
  const owner = describeOwner(l.owner);
  // A fading row no longer answers anything: never "HTTP 200" on a listener that is gone.
  const health = gone ? GONE_HEALTH : describeHealth(l.health);
  const exposure = describeExposure(l.exposure);
  const uptime = l.owner.kind === 'process' ? formatUptime(l.owner.startedAt, props.now) : '';
  const service = l.service ? cleanText(l.service.name) : '';
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
      aria-label={gone ? `${rowLabel(l)} (gone)` : rowLabel(l)}
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
      <span className="cell-port">
        <span className="port">{l.port}</span>
        {props.watched ? (
          <span className="watch-dot" title="Watched port" aria-hidden="true">
            ●
          </span>
        ) : null}
      </span>
      <span className="cell-proto">{protoLabel(l)}</span>
      <span className="line line1">
        <span className="who">
          <span className="cell-name" title={owner.tooltip}>
            <span className="name">{truncate(owner.name, 40)}</span>
            {service ? <span className="service">{truncate(service, 18)}</span> : null}
          </span>
          <span className="cell-project" title={owner.project ?? ''}>
            {owner.project !== null ? truncate(owner.project, 22) : ''}
          </span>
        </span>
        <span className="cell-health">
          <Badge view={health} className="health" />
        </span>
      </span>
      <span className="line line2">
        <span className="meta">
          <span className="cell-addr">
            <span className="addr" title={cleanText(l.address)}>
              {truncate(addressLabel(l.address), 28)}
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
    a.now === b.now &&
    a.onPick === b.onPick &&
    a.onActivate === b.onActivate
  );
}

/** One listener in the list (an ARIA option). */
export const ListRow = memo(ListRowImpl, rowPropsEqual);
