import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/**
 * The rules behind the issue's own findings, at any impact: axe runs the experimental
 * label-content-name-mismatch only when named, and rates a missing main landmark "moderate", so
 * the serious/critical pass alone would not catch them coming back. aria-required-children is
 * the listbox holding loose group-header text instead of options and groups.
 */
const ISSUE_RULES = ['label-content-name-mismatch', 'landmark-one-main', 'aria-required-children'];

/**
 * Serious and critical violations on the page now, plus any violation of {@link ISSUE_RULES}, one
 * line each (rule, count, first target).
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  // One after the other: axe refuses a second run on a page while one is going.
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const named = await new AxeBuilder({ page }).withRules(ISSUE_RULES).analyze();
  return [
    ...result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    ...named.violations,
  ].map(
    (v) =>
      `${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes[0]?.target.join(' ') ?? ''} — ${
        v.nodes[0]?.failureSummary?.split('\n').slice(0, 2).join(' ') ?? ''
      }`,
  );
}
