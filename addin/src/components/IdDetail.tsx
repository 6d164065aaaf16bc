/**
 * A server id (a dataset's, a job's, a model's) kept out of the label a planner reads but at hand
 * for support: a small "id" that opens to the id, selectable for copying, its tooltip saying what
 * it is.
 */
export function IdDetail({ id, what, testId }: { id: string; what: string; testId?: string }) {
  return (
    <details className="id-detail" data-testid={testId}>
      <summary title={`The ${what}'s id, for support`} aria-label={`${what} id`}>
        id
      </summary>
      <code className="mono">{id}</code>
    </details>
  );
}
