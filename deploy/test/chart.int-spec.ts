// The Helm chart at deploy/helm/atrium, rendered by the real helm for every ci/ values file:
// lint clean, every manifest valid against the Kubernetes (and CloudNativePG, Prometheus operator)
// OpenAPI schemas, and each library isolated from the others as read from the rendered YAML.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadInstanceConfig } from '../../apps/instance/src/config.js';
import { loadPortalConfig } from '../../apps/portal/src/config.js';
import { loadWorkerConfig } from '../../apps/worker/src/config.js';
import { EnvReader, readObservabilityConfig } from '../../libs/server/src/index.js';
import { all, CI_VALUES, find, Helm, instanceNames, type Rendered } from './chart.js';
import {
  admittedBy,
  reachableFrom,
  matches,
  resolveEnv,
  scopeOf,
  secretData,
  secretsReadBy,
  storageOf,
  validateManifest,
  type Pod,
} from './manifests.js';

let helm: Helm;
const renders: Rendered[] = [];
const byFile = (file: string) => renders.find((r) => r.file === file)!;

beforeAll(() => {
  helm = new Helm();
  renders.push(helm.render());
  for (const file of CI_VALUES) renders.push(helm.render(file));
});
afterAll(() => helm?.close());

const atriumPods = (r: Rendered) =>
  r.pods.filter((p) =>
    p.spec.containers.some((c) => /^"?atrium\/atrium:/.test(String((c as { image?: string }).image))),
  );
const webPods = (r: Rendered, component: string) =>
  r.pods.filter(
    (p) => p.owner.startsWith('Deployment/') && p.labels['app.kubernetes.io/component'] === component,
  );

test('the ci/ folder has the values files the chart is tested with', () => {
  expect(CI_VALUES).toEqual([
    'bundled-values.yaml',
    'cloudnativepg-values.yaml',
    'external-values.yaml',
    'tls-values.yaml',
    'volumes-values.yaml',
  ]);
});

describe.each(['values.yaml', ...CI_VALUES])('%s', (file) => {
  const r = () => byFile(file);

  test('helm lint passes and helm template renders', () => {
    expect(r().lint.status, r().lint.stdout + r().lint.stderr).toBe(0);
    expect(r().lint.stdout).toMatch(/0 chart\(s\) failed/);
    expect(r().manifests.length).toBeGreaterThan(10);
  });

  test('every manifest is valid against its OpenAPI schema', async () => {
    for (const m of r().manifests) await validateManifest(m);
    const names = r().manifests.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(new Set(names).size, 'no two resources of one kind share a name').toBe(names.length);
  });

  test('no two instances share a database, a Redis, a Secret or a volume', () => {
    const secrets = secretData(r().manifests);
    const owners = new Map<string, Set<string>>();
    for (const pod of r().pods) {
      for (const thing of [...[...secretsReadBy(pod)].map((s) => `secret:${s}`), ...storageOf(pod)]) {
        owners.set(thing, (owners.get(thing) ?? new Set()).add(scopeOf(pod)));
      }
    }
    // The metrics token is Prometheus's, shown to every service alike: no library's secret.
    owners.delete('secret:atrium-metrics');
    for (const [thing, scopes] of owners) {
      const instances = [...scopes].filter((s) => s !== 'portal');
      expect(instances.length, `${thing} is used by ${[...scopes].join(', ')}`).toBeLessThanOrEqual(1);
      // The portal reads an instance's node credentials (ATRIUM_NODES), nothing else of it.
      if (instances.length && scopes.has('portal')) expect(thing).toMatch(/-node$|-credentials$/);
    }
    const urls = (name: string) =>
      atriumPods(r())
        .filter((p) => p.labels['app.kubernetes.io/component'] === 'instance')
        .map((p) => resolveEnv(p.spec.containers[0]!, secrets)[name]);
    for (const name of ['DATABASE_URL', 'REDIS_URL']) {
      const values = urls(name);
      expect(values.length).toBe(instanceNames(r()).length);
      expect(new Set(values).size, `${name} differs per instance`).toBe(values.length);
    }
    const portalDb = resolveEnv(webPods(r(), 'portal')[0]!.spec.containers[0]!, secrets).DATABASE_URL;
    expect(urls('DATABASE_URL')).not.toContain(portalDb);
  });

  test("an instance's database and Redis secrets are read by that instance's pods alone", () => {
    const readers = (secret: string) => r().pods.filter((p) => secretsReadBy(p).has(secret));
    for (const pod of atriumPods(r())) {
      for (const c of pod.spec.containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref || !/^(DATABASE_|REDIS_)/.test(e.name)) continue;
          for (const reader of readers(ref.name))
            expect(scopeOf(reader), `${ref.name} read by ${reader.owner}`).toBe(scopeOf(pod));
        }
      }
    }
  });

  test('each NetworkPolicy selects its pods and admits only their own clients', () => {
    const policies = all(r(), 'NetworkPolicy');
    const pods = r().pods;
    const selected = (p: Pod) => policies.filter((np) => matches(np.spec.podSelector, p.labels));
    for (const pod of pods.filter((p) => !p.owner.startsWith('Job/'))) {
      if (
        file === 'external-values.yaml' &&
        /postgres|redis/.test(pod.labels['app.kubernetes.io/component']!)
      )
        continue;
      expect(selected(pod).length, `${pod.owner} is selected by a NetworkPolicy`).toBeGreaterThan(0);
    }
    for (const np of policies) {
      const targets = pods.filter((p) => matches(np.spec.podSelector, p.labels));
      expect(targets.length, `${np.metadata.name} selects pods`).toBeGreaterThan(0);
      const component = targets[0]!.labels['app.kubernetes.io/component'];
      const scope = scopeOf(targets[0]!);
      const { pods: admitted } = admittedBy(np, pods);
      if (component === 'postgres' || component === 'redis' || component === 'portal-postgres') {
        for (const a of admitted) expect(scopeOf(a), `${np.metadata.name} admits ${a.owner}`).toBe(scope);
        const clients = admitted
          .filter((a) => !a.owner.startsWith('Cluster/'))
          .map((a) => a.labels['app.kubernetes.io/component'])
          .sort();
        expect(new Set(clients)).toEqual(
          new Set(
            component === 'redis'
              ? ['instance', 'worker']
              : component === 'postgres'
                ? ['instance', 'instance-migrate']
                : ['portal', 'portal-migrate'],
          ),
        );
      } else if (component === 'portal') {
        expect(new Set(admitted.map((a) => a.labels['app.kubernetes.io/component']))).toEqual(
          new Set(['instance']),
        );
        expect(admittedBy(np, pods, 'metrics').pods).toEqual([]);
      } else {
        // An instance's web pods and its workers: no other pod of the release, instance or not.
        expect(
          admitted.map((a) => a.owner),
          np.metadata.name,
        ).toEqual([]);
      }
      // Egress: the stores connect nowhere, workers only to their own Redis, web pods only to their
      // own stores and the portal.
      const egress = np.spec.policyTypes.includes('Egress');
      const reached = reachableFrom(np, pods);
      if (component === 'postgres' || component === 'redis' || component === 'portal-postgres') {
        if (targets.every((t) => t.owner.startsWith('StatefulSet/'))) expect(np.spec.egress).toEqual([]);
      } else if (component === 'worker' && egress) {
        expect(reached.map((p) => p.owner)).toEqual([`StatefulSet/atrium-${scope}-redis`]);
      } else if (egress) {
        for (const p of reached) {
          const ok = scopeOf(p) === scope || p.labels['app.kubernetes.io/component'] === 'portal';
          expect(ok, `${np.metadata.name} reaches ${p.owner}`).toBe(true);
        }
      }
      if (component === 'instance' || component === 'portal')
        expect(admittedBy(np, pods, 'http').namespacePeers).toBe(1);
    }
  });

  test('Ingresses route each host to its own Service on the HTTP port, never the metrics port', () => {
    const hosts = all(r(), 'Ingress').flatMap((i) => i.spec.rules.map((rule: { host: string }) => rule.host));
    expect(new Set(hosts).size).toBe(hosts.length);
    expect(hosts.length).toBe(instanceNames(r()).length + 1);
    for (const ing of all(r(), 'Ingress')) {
      for (const rule of ing.spec.rules) {
        for (const path of rule.http.paths) {
          expect(path.backend.service).toEqual({ name: ing.metadata.name, port: { name: 'http' } });
          const service = find(r(), 'Service', ing.metadata.name);
          expect(service.spec.ports.map((p: { name: string }) => p.name)).toEqual(['http', 'metrics']);
        }
      }
    }
  });

  test('Atrium containers run non-root on a read-only root filesystem with no capabilities, probed on /readyz and /healthz', () => {
    for (const pod of atriumPods(r())) {
      expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
      for (const c of pod.spec.containers) {
        expect(c.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.volumeMounts?.map((m) => m.mountPath)).toContain('/tmp');
        const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
        expect(env).toMatchObject({ LOG_FORMAT: 'json', LOG_LEVEL: 'info' });
        if (pod.owner.startsWith('Job/')) continue;
        expect(c.readinessProbe.httpGet.path).toBe('/readyz');
        expect(c.livenessProbe.httpGet.path).toBe('/healthz');
        if (c.name !== 'worker') {
          expect(c.readinessProbe.httpGet.port).toBe('http');
          expect(env.METRICS_PORT).toBe('9464');
          expect(c.volumeMounts?.map((m) => m.mountPath)).toContain(`/app/apps/${c.name}/ui/.next/cache`);
        }
      }
    }
  });

  test('the portal, instances and workers accept the environment the chart gives them', () => {
    const secrets = secretData(r().manifests);
    const envOf = (component: string) =>
      webPods(r(), component).map((p) => resolveEnv(p.spec.containers[0]!, secrets));
    for (const component of ['portal', 'instance', 'worker']) {
      for (const env of envOf(component)) {
        const observability = readObservabilityConfig(new EnvReader(env), false);
        expect(observability).toMatchObject({
          logFormat: 'json',
          logLevel: 'info',
          metricsPort: component === 'worker' ? undefined : 9464,
        });
        expect(observability.metricsToken === undefined).toBe(file !== 'cloudnativepg-values.yaml');
      }
    }
    const [portalEnv] = envOf('portal');
    const portal = loadPortalConfig(portalEnv!);
    expect(portal.nodes.map((n) => n.name).sort()).toEqual(instanceNames(r()).sort());
    expect(portal.publicUrl).toMatch(/^https:\/\/photos\.example\.org$/);
    for (const env of envOf('instance')) {
      const instance = loadInstanceConfig(env);
      const node = portal.nodes.find((n) => n.name === instance.nodeName)!;
      expect({
        clientId: instance.clientId,
        clientSecret: instance.clientSecret,
        url: instance.publicUrl,
      }).toEqual({
        clientId: node.clientId,
        clientSecret: node.clientSecret,
        url: node.url,
      });
      expect(instance.portalUrl).toBe(portal.publicUrl);
    }
    for (const env of envOf('worker')) {
      const worker = loadWorkerConfig(env);
      expect(worker.instances).toHaveLength(1);
      const instanceEnv = envOf('instance').find((e) => e.NODE_NAME === worker.instances[0]!.name)!;
      expect(worker.instances[0]!.redisUrl).toBe(instanceEnv.REDIS_URL);
    }
  });

  test('migrations run as Helm hook Jobs, one per database', () => {
    const jobs = all(r(), 'Job');
    expect(jobs.map((j) => j.spec.template.spec.containers[0].args.join(' ')).sort()).toEqual(
      ['portal migrate', ...instanceNames(r()).map(() => 'instance migrate')].sort(),
    );
    for (const job of jobs) expect(job.metadata.annotations?.['helm.sh/hook']).toBe('post-install');
  });
});
