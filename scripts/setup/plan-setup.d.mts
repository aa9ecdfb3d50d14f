/** Types of plan-setup.mjs (plain JS so `npm test` runs it before any dependency is installed). */
export interface SystemPackage {
  readonly apt: string;
  readonly brew: string | null;
  readonly for?: string;
  readonly present: readonly string[];
  readonly services?: readonly string[];
}

export type SetupPlan =
  | { readonly kind: 'ready'; readonly missing: readonly string[]; readonly commands: readonly string[][] }
  | {
      readonly kind: 'install';
      readonly via: 'apt-get' | 'brew';
      readonly missing: readonly string[];
      readonly commands: readonly string[][];
      readonly services: readonly string[];
    }
  | {
      readonly kind: 'manual';
      readonly missing: readonly string[];
      readonly commands: readonly string[][];
      readonly reason: string;
    };

export function isPresent(pkg: Pick<SystemPackage, 'present'>, has: (entry: string) => boolean): boolean;
export function shellLine(argv: readonly string[]): string;
export function planSetup(facts: {
  readonly platform: string;
  readonly packages: readonly SystemPackage[];
  readonly missing: readonly string[];
  readonly isRoot: boolean;
  readonly sudo: boolean;
  readonly apt: boolean;
  readonly brew: boolean;
}): SetupPlan;

interface LockLike {
  readonly packages?: Readonly<Record<string, { readonly version?: string; readonly optional?: boolean }>>;
}
export function needsNpmCi(lock: LockLike | null, installed: LockLike | null): boolean;
