import type { PageContext } from '../page-context';

/** The session's CSRF token as a hidden field (every unsafe form carries it; API keys need none). */
export const Csrf = ({ ctx }: { ctx: PageContext }) =>
  ctx.session ? <input type="hidden" name="_csrf" value={ctx.session.csrfToken} /> : null;

/** A filter's choice list: empty is "any". */
export function Select(props: { name: string; label: string; value: string; options: readonly string[] }) {
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      <select id={props.name} name={props.name}>
        <option value="">any</option>
        {props.options.map((o) => (
          <option key={o} value={o} selected={o === props.value}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The filters a list page could not read (it then shows no rows). */
export function FilterProblems({ problems }: { problems: readonly string[] }) {
  if (!problems.length) return null;
  return (
    <div class="error" role="alert">
      <p>These filters could not be read:</p>
      <ul>
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}
