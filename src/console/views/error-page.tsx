import type { PageContext } from '../page-context';
import { Layout } from './layout';

const TITLES: Record<number, string> = {
  400: 'That request could not be read',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  429: 'Too many attempts',
};

/** An error as a page: the status, its message (never buyer data: error messages never carry it) and the request id. */
export function ErrorPage(props: { ctx: PageContext; status: number; message: string; requestId?: string }) {
  const title = TITLES[props.status] ?? (props.status >= 500 ? 'Something went wrong' : 'Request refused');
  return (
    <Layout title={title} ctx={props.ctx}>
      <h1>{title}</h1>
      <ErrorMessage status={props.status} message={props.message} requestId={props.requestId} />
      <p>
        <a href="/console">Back to the console</a>
      </p>
    </Layout>
  );
}

/** The same message as a fragment, for an htmx request to swap in where its answer would have gone. */
export function ErrorMessage(props: { status: number; message: string; requestId?: string }) {
  return (
    <div class="error" role="alert">
      <p>{props.message}</p>
      {props.requestId ? (
        <p class="hint">
          Request id {props.requestId} (HTTP {props.status})
        </p>
      ) : null}
    </div>
  );
}
