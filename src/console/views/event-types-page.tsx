import type { EventCatalog } from '../../delivery/catalog/event-catalog';
import type { PageContext } from '../page-context';
import { Layout } from './layout';

/** Every event type: what it means, where it goes, and an example payload per mode (as GET /v1/event-types). */
export function EventTypesPage({ ctx, catalog }: { ctx: PageContext; catalog: EventCatalog }) {
  return (
    <Layout title="Event catalog" ctx={ctx}>
      <h1>Event catalog</h1>
      <p>
        Payload schema version {catalog.schemaVersion}; payload modes {catalog.payloadModes.join(', ')}. The JSON Schema
        of each payload is in <code>GET /v1/event-types</code> and the OpenAPI document.
      </p>
      {catalog.eventTypes.map((entry) => (
        <section key={entry.type} class="panel" aria-labelledby={`type-${entry.type}`}>
          <h2 id={`type-${entry.type}`}>
            <code>{entry.type}</code>
          </h2>
          <p>{entry.description}</p>
          <p class="hint">
            {entry.category} event; delivered by {entry.channels.join(' and ')}
          </p>
          {catalog.payloadModes.map((mode) => (
            <details key={mode}>
              <summary>Example, {mode} payload</summary>
              <pre>{JSON.stringify(entry.payloads[mode].example, null, 2)}</pre>
            </details>
          ))}
        </section>
      ))}
    </Layout>
  );
}
