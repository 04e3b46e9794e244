// Settings → Network: the network doctor on demand. For each destination, which way its requests
// go (direct or which proxy, and why), then DNS, connection, proxy tunnel, certificate and a
// signed-in request, each with its time; the first failing step is said in plain words on top.
import { useState } from 'react';
import { networkStepLabels, type NetworkDiagnosis, type NetworkReport } from '../../../../shared/contract.js';
import { useServices } from '../../app-services.js';
import { SimpleTable } from '../../components/simple-table.js';

const SOURCE_LABELS: Record<NonNullable<NetworkDiagnosis['proxy']>['source'], string> = {
  config: 'the configuration',
  pac: 'a PAC file',
  system: "the system's proxy settings",
  env: 'environment variables',
  default: 'nothing set',
};

function proxySummary(d: NetworkDiagnosis): string {
  if (!d.proxy) return 'not decided';
  const from = SOURCE_LABELS[d.proxy.source];
  if (d.proxy.kind === 'direct')
    return d.proxy.source === 'default' ? 'Direct (no proxy set)' : `Direct (from ${from})`;
  return `Through ${d.proxy.proxy}${d.proxy.withCredentials ? ' with a username and password' : ''} (from ${from})`;
}

function DestinationDiagnosis({ d }: { d: NetworkDiagnosis }) {
  const headingId = `network-${d.destination}`;
  return (
    <article className="network-diagnosis" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {d.destination}{' '}
        <span className={`badge ${d.ok ? 'state-done' : 'state-failed'}`}>{d.ok ? 'works' : 'problem'}</span>
      </h3>
      <p className="muted">
        {d.url} — {proxySummary(d)}
      </p>
      {d.firstFailure ? (
        <p className="field-error" role="alert">
          {d.firstFailure}
        </p>
      ) : null}
      {d.tls ? (
        <p>
          Certificate for {d.tls.subject}, issued by {d.tls.issuer}, valid until {d.tls.validTo.slice(0, 10)}
          {d.tls.trustedBy ? `, trusted by ${d.tls.trustedBy}` : ', not trusted'}.
        </p>
      ) : null}
      <SimpleTable columns={['Step', 'Result', 'Time', 'Details']} caption={`Network steps for ${d.destination}`}>
        {d.steps.map((s) => (
          <tr key={s.step}>
            <td>{networkStepLabels[s.step]}</td>
            <td>{s.status}</td>
            <td>{s.ms === null ? '—' : `${Math.round(s.ms)} ms`}</td>
            <td>{s.detail}</td>
          </tr>
        ))}
      </SimpleTable>
    </article>
  );
}

export function NetworkSection() {
  const { client } = useServices();
  const [report, setReport] = useState<NetworkReport | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setRunning(true);
    setError(null);
    try {
      setReport(await client.call('network:diagnose', {}));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setRunning(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="network-settings">
      <h2 id="network-settings">Network</h2>
      <p className="muted">
        Checks each destination the way its uploads go: proxy, name lookup, connection, certificate and a signed-in
        request. Proxies and extra certificates are set in the configuration file (see “Corporate networks” in the
        README).
      </p>
      <div className="form-actions">
        <button type="button" className="primary" onClick={() => void run()} disabled={running}>
          {running ? 'Checking…' : 'Check the network'}
        </button>
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {report ? (
        <div aria-live="polite">
          {report.destinations.length === 0 ? <p>No enabled destination to check.</p> : null}
          {report.destinations.map((d) => (
            <DestinationDiagnosis key={d.destination} d={d} />
          ))}
          <p className="muted">
            Trusted certificates: {report.trust.map((t) => `${t.label} (${t.certificates})`).join('; ')}.
          </p>
        </div>
      ) : null}
    </section>
  );
}
