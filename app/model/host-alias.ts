/**
 * Host aliases reach `ssh`'s argv, so a hostile one (`-oProxyCommand=…`, CVE-2017-1000117; shell
 * metacharacters expanded by `%h`, CVE-2023-51385) must be refused before anything is spawned.
 * Only config-style names pass: letters, digits, `.`, `_`, `-`, an optional `user@`, never a
 * leading `-`. docs/SECURITY.md (Remote hosts).
 */

/** A validated alias (a branded string: only {@link checkAlias} makes one). */
export type HostAlias = string & { readonly __hostAlias: true };

/** Why an alias was refused, or the alias itself. */
export type AliasCheck =
  { readonly ok: true; readonly alias: HostAlias } | { readonly ok: false; readonly reason: string };

const NAME = '[A-Za-z0-9_][A-Za-z0-9._-]*';
const ALIAS = new RegExp(`^(?:${NAME}@)?${NAME}$`);
/** DNS names are at most 253 characters; a user part adds a little. */
const MAX_ALIAS = 300;

/** Checks `text` against the strict alias pattern; the refusal says why in one sentence. */
export function checkAlias(text: string): AliasCheck {
  if (text.length === 0) return { ok: false, reason: 'The host alias is empty.' };
  if (text.length > MAX_ALIAS)
    return { ok: false, reason: `The host alias is longer than ${MAX_ALIAS} characters.` };
  if (text.startsWith('-'))
    return { ok: false, reason: 'A host alias cannot start with "-" (it would be read as an ssh option).' };
  if (/\s/.test(text)) return { ok: false, reason: 'A host alias cannot contain whitespace.' };
  if (!ALIAS.test(text))
    return {
      ok: false,
      reason: 'A host alias may contain only letters, digits, ".", "_", "-" and one "user@" prefix.',
    };
  return { ok: true, alias: text as HostAlias };
}
