import type { Listener } from '../../app/model/listener.js';
import { hiddenByScope, scopeOf, type Scope } from '../../app/model/scope.js';
import type { Pin } from '../../app/model/settings.js';
import type { Viewer } from '../../app/model/snapshot.js';
import { isSelf } from '../format/self-port.js';
import { groupOf } from './list-group.js';
import { haystackOf, portIntent, type PortIntent } from './search-query.js';

/** How the list is laid out. */
export type Grouping = 'grouped' | 'flat';

/** Whose a listener is, for ordering and the scope filter: the one rule in app/model/scope.ts. */
export type { Scope };

/** One line of the virtualized list. */
export type ListItem =
  | {
      readonly kind: 'group';
      readonly key: string;
      readonly label: string;
      readonly detail: string;
      readonly count: number;
      readonly scope: Scope;
    }
  | { readonly kind: 'row'; readonly key: string; readonly listener: Listener; readonly gone: boolean }
  /** A pinned port nothing listens on (not selectable: there is nothing to act on). */
  | { readonly kind: 'down'; readonly key: string; readonly pin: Pin };

/** The inputs of the visible list. */
export interface ViewInputs {
  readonly listeners: readonly Listener[];
  readonly ghosts: ReadonlyMap<string, { readonly listener: Listener; readonly until: number }>;
  readonly query: string;
  readonly grouping: Grouping;
  readonly showOtherUsers: boolean;
  readonly showSystem: boolean;
  readonly currentUser: string | null;
  /** The core's uid for `currentUser` (snapshot.viewer), unless the user picked another "me". */
  readonly viewerUid?: number | null;
  /** Who the core runs as (the store's `viewer`): how the group of unreadable owners is worded. */
  readonly coreViewer?: Viewer | null;
  /** A row shown whatever the scope toggles say (the one a notification or "Details…" asked for). */
  readonly revealId?: string | null;
  /** Give a header to a process or project with one listener too (the old grouping; for measuring). */
  readonly groupSingles?: boolean;
  /** The serve port this page came from: its row is hidden unless System is shown (SELF_NAME). */
  readonly selfPort?: number | null;
  /** Pinned ports: listed first in pin order, whatever the scope toggles say; "down" when free. */
  readonly pins?: readonly Pin[];
}

/** The visible list plus what the filter hid. */
export interface View {
  readonly items: readonly ListItem[];
  /** Row ids in display order (for keyboard movement). */
  readonly rowIds: readonly string[];
  /** Live listeners among the rows: gone rows are shown, not counted (never "31 of 26"). */
  readonly matched: number;
  readonly hiddenOther: number;
  readonly hiddenSystem: number;
  /** Harbormaster's own serve port, hidden from "mine" (shown with System). */
  readonly hiddenSelf: number;
  readonly intent: PortIntent;
  /** True when the intent names a port and some listed socket holds exactly it. */
  readonly portHeld: boolean;
}

/** Who the list treats as "me": the user the scope menu names, and the core's uid unless one was picked. */
function viewerOf(inputs: Pick<ViewInputs, 'currentUser' | 'viewerUid'>): Viewer | null {
  const uid = inputs.viewerUid ?? null;
  return uid === null && inputs.currentUser === null ? null : { uid, user: inputs.currentUser };
}
const SCOPE_RANK: Record<Scope, number> = { mine: 0, unknown: 1, 'other-user': 2, system: 3 };

/** A group being collected (a class, so every instance has one shape: this runs per keystroke). */
class GroupAcc {
  readonly members: { l: Listener; gone: boolean; scope: Scope }[] = [];
  constructor(
    readonly key: string,
    readonly label: string,
    readonly detail: string,
    public scope: Scope,
    public minPort: number,
  ) {}
}

function compareListeners(a: Listener, b: Listener): number {
  return (
    a.port - b.port ||
    (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0) ||
    (a.family ?? 0) - (b.family ?? 0) ||
    (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)
  );
}

/** Filters, orders and (optionally) groups listeners into list items. Pure; called per keystroke. */
export function deriveView(inputs: ViewInputs): View {
  const intent = portIntent(inputs.query);
  const terms =
    intent.kind === 'exact'
      ? []
      : inputs.query
          .toLowerCase()
          .split(/\s+/)
          .filter((t) => t.length > 0);
  let hiddenOther = 0;
  let hiddenSystem = 0;
  let hiddenSelf = 0;
  let portHeld = false;
  const selfPort = inputs.selfPort ?? null;
  const wantedPort = intent.kind === 'exact' || intent.kind === 'digits' ? intent.port : null;

  const matches: { l: Listener; gone: boolean; scope: Scope }[] = [];
  const viewer = viewerOf(inputs);
  const filter = { showOtherUsers: inputs.showOtherUsers, showSystem: inputs.showSystem };
  const pins = inputs.pins ?? [];
  const pinLabels = new Map(pins.map((p) => [p.port, (p.label ?? '').toLowerCase()]));
  const pinned: { l: Listener; gone: boolean; scope: Scope }[] = [];
  const consider = (l: Listener, gone: boolean): void => {
    if (wantedPort !== null && l.port === wantedPort && !gone) portHeld = true;
    const label = pinLabels.get(l.port);
    if (intent.kind === 'exact') {
      if (l.port !== intent.port) return;
    } else if (terms.length > 0) {
      const h = label ? `${haystackOf(l)} ${label}` : haystackOf(l);
      for (const t of terms) if (!h.includes(t)) return;
    }
    const scope = scopeOf(l, viewer);
    // A pinned port is listed whatever the scope toggles say: the user asked for it by number.
    if (label !== undefined) {
      pinned.push({ l, gone, scope });
      return;
    }
    if (l.id === inputs.revealId && !gone) {
      matches.push({ l, gone, scope });
      return;
    }
    // This window's own server is infrastructure, not one of the user's: listed with System.
    if (isSelf(l, selfPort) && !inputs.showSystem) {
      hiddenSelf += gone ? 0 : 1;
      return;
    }
    // The tray hides exactly these rows too (main/tray/tray-menu.ts isShown).
    if (hiddenByScope(scope, filter)) {
      if (scope === 'system') hiddenSystem += gone ? 0 : 1;
      else hiddenOther += gone ? 0 : 1;
      return;
    }
    matches.push({ l, gone, scope });
  };
  for (const l of inputs.listeners) consider(l, false);
  for (const g of inputs.ghosts.values()) consider(g.listener, true);

  const items: ListItem[] = [];
  const rowIds: string[] = [];
  const row = (m: { l: Listener; gone: boolean }): void => {
    items.push({ kind: 'row', key: m.l.id, listener: m.l, gone: m.gone });
    rowIds.push(m.l.id);
  };

  // Pins first, in the user's order; a pin nothing listens on is a "down" row.
  const pinItems: ListItem[] = [];
  for (const pin of pins) {
    const here = pinned.filter((m) => m.l.port === pin.port).sort((a, b) => compareListeners(a.l, b.l));
    if (here.some((m) => !m.gone)) {
      for (const m of here) pinItems.push({ kind: 'row', key: m.l.id, listener: m.l, gone: m.gone });
      continue;
    }
    const text = `${pin.port} ${(pin.label ?? '').toLowerCase()}`;
    const wanted = intent.kind === 'exact' ? pin.port === intent.port : terms.every((t) => text.includes(t));
    if (wanted && !inputs.listeners.some((l) => l.port === pin.port)) {
      pinItems.push({ kind: 'down', key: `down:${pin.port}`, pin });
    }
    for (const m of here) pinItems.push({ kind: 'row', key: m.l.id, listener: m.l, gone: m.gone });
  }
  if (pinItems.length > 0) {
    const rows = pinItems.length;
    items.push({
      kind: 'group',
      key: 'group:pinned',
      label: 'Pinned',
      detail: '',
      count: rows,
      scope: 'mine',
    });
    for (const it of pinItems) {
      items.push(it);
      if (it.kind === 'row') rowIds.push(it.listener.id);
    }
  }

  if (inputs.grouping === 'flat') {
    matches.sort((a, b) => compareListeners(a.l, b.l));
    for (const m of matches) row(m);
  } else {
    const byKey = new Map<string, GroupAcc>();
    const order: GroupAcc[] = [];
    for (const m of matches) {
      const g = groupOf(m.l, inputs.coreViewer ?? null);
      let entry = byKey.get(g.key);
      if (entry === undefined) {
        entry = new GroupAcc(g.key, g.label, g.detail, m.scope, m.l.port);
        byKey.set(g.key, entry);
        order.push(entry);
      }
      if (SCOPE_RANK[m.scope] < SCOPE_RANK[entry.scope]) entry.scope = m.scope;
      if (m.l.port < entry.minPort) entry.minPort = m.l.port;
      entry.members.push(m);
    }
    order.sort(
      (a, b) =>
        SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope] ||
        a.minPort - b.minPort ||
        (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
    );
    // Only a process or project with more than one listener earns a header (scripts/measure in
    // renderer/bench/grouping-fit.test.ts: a header per single row costs a third of the popover);
    // the single ones follow, by port, under one "Other listeners" header.
    const singles: { l: Listener; gone: boolean; scope: Scope }[] = [];
    for (const g of order) {
      // A container or compose project is a unit the user knows by name: it keeps its header
      // even with one port (issue 10: a container's listeners are grouped under it).
      const unit = g.key.startsWith('compose:') || g.key.startsWith('container:');
      if (g.members.length === 1 && inputs.groupSingles !== true && !unit) {
        singles.push(...g.members);
        continue;
      }
      if (g.members.length > 1) g.members.sort((a, b) => compareListeners(a.l, b.l));
      items.push({
        kind: 'group',
        key: `group:${g.key}`,
        label: g.label,
        detail: g.detail,
        count: g.members.length,
        scope: g.scope,
      });
      for (const m of g.members) row(m);
    }
    if (singles.length > 0) {
      singles.sort((a, b) => SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope] || compareListeners(a.l, b.l));
      if (items.length > 0) {
        items.push({
          kind: 'group',
          key: 'group:singles',
          label: 'Other listeners',
          detail: 'one listener each',
          count: singles.length,
          scope: singles[0]?.scope ?? 'mine',
        });
      }
      for (const m of singles) row(m);
    }
  }
  const matched =
    matches.reduce((n, m) => (m.gone ? n : n + 1), 0) + pinned.reduce((n, m) => (m.gone ? n : n + 1), 0);
  return { items, rowIds, matched, hiddenOther, hiddenSystem, hiddenSelf, intent, portHeld };
}

let lastInputs: ViewInputs | null = null;
let lastView: View | null = null;

/** `deriveView` with a one-entry cache keyed by input identity, shared by components and actions. */
export function selectView(inputs: ViewInputs): View {
  if (
    lastView !== null &&
    lastInputs !== null &&
    lastInputs.listeners === inputs.listeners &&
    lastInputs.ghosts === inputs.ghosts &&
    lastInputs.query === inputs.query &&
    lastInputs.grouping === inputs.grouping &&
    lastInputs.showOtherUsers === inputs.showOtherUsers &&
    lastInputs.showSystem === inputs.showSystem &&
    lastInputs.currentUser === inputs.currentUser &&
    (lastInputs.viewerUid ?? null) === (inputs.viewerUid ?? null) &&
    (lastInputs.coreViewer ?? null) === (inputs.coreViewer ?? null) &&
    (lastInputs.revealId ?? null) === (inputs.revealId ?? null) &&
    lastInputs.pins === inputs.pins &&
    (lastInputs.selfPort ?? null) === (inputs.selfPort ?? null) &&
    lastInputs.groupSingles === inputs.groupSingles
  ) {
    return lastView;
  }
  lastInputs = inputs;
  lastView = deriveView(inputs);
  return lastView;
}
