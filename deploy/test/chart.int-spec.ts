// The Helm chart at deploy/helm/atrium, rendered by the real helm for every ci/ values file:
// lint clean, every manifest valid against the Kubernetes (and CloudNativePG, Prometheus operator)
// OpenAPI schemas, and each library isolated from the others as read from the rendered YAML.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadInstanceConfig } from '../../apps/instance/src/config.js';
import { loadPortalConfig } from '../../apps/portal/src/config.js';
import { loadWorkerConfig } from '../../apps/worker/src/config.js';
import { all, CI_VALUES, find, Helm, instanceNames, type Rendered } from './chart.js';
import { admittedBy, matches, resolveEnv, scopeOf, secretData, secretsReadBy, storageOf, validateManifest, type Pod } from './manifests.js';

let helm: Helm;
const renders: Rendered[] = [];
const byFile = (file: string) => renders.find((r) => r.file === file)!;

beforeAll(() => {
  helm = new Helm();
  renders.push(helm.render());
  for (const file of CI_VALUES) renders.push(helm.render(file));
});
afterAll(() => helm?.close());

const atriumPods = (r: Rendered) => r.pods.filter((p) => p.spec.containers.some((c) => /^"?atrium\/atrium:/.test(String((c as { image?: string }).image))));
const webPods = (r: Rendered, component: string) => r.pods.filter((p) => p.owner.startsWith('Deployment/') && p.labels['app.kubernetes.io/component'] === component);

test('the ci/ folder has the values files the chart is tested with', () => {
  expect(CI_VALUES).toEqual(['bundled-values.yaml', 'cloudnativepg-values.yaml', 'external-values.yaml', 'tls-values.yaml', 'volumes-values.yaml']);
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
          for (const reader of readers(ref.name)) expect(scopeOf(reader), `${ref.name} read by ${reader.owner}`).toBe(scopeOf(pod));
        }
      }
    }
  });

  test('each NetworkPolicy selects its pods and admits only their own clients', () => {
    const policies = all(r(), 'NetworkPolicy');
    const pods = r().pods;
    const selected = (p: Pod) => policies.filter((np) => matches(np.spec.podSelector, p.labels));
    for (const pod of pods.filter((p) => !p.owner.startsWith('Job/'))) {
      if (file === 'external-values.yaml' && /postgres|redis/.test(pod.labels['app.kubernetes.io/component']!)) continue;
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
        const clients = admitted.filter((a) => !a.owner.startsWith('Cluster/')).map((a) => a.labels['app.kubernetes.io/component']).sort();
        expect(new Set(clients)).toEqual(
          new Set(component === 'redis' ? ['instance', 'worker'] : component === 'postgres' ? ['instance', 'instance-migrate'] : ['portal', 'portal-migrate']),
        );
      } else if (component === 'portal') {
        expect(new Set(admitted.map((a) => a.labels['app.kubernetes.io/component']))).toEqual(new Set(['instance']));
        expect(admittedBy(np, pods, 'metrics').pods).toEqual([]);
      } else {
        // An instance's web pods and its workers: no other pod of the release, instance or not.
        expect(admitted.map((a) => a.owner), np.metadata.name).toEqual([]);
      }
      if (component === 'instance' || component === 'portal') expect(admittedBy(np, pods, 'http').namespacePeers).toBe(1);
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
        expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
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
    const envOf = (component: string) => webPods(r(), component).map((p) => resolveEnv(p.spec.containers[0]!, secrets));
    const [portalEnv] = envOf('portal');
    const portal = loadPortalConfig(portalEnv!);
    expect(portal.nodes.map((n) => n.name).sort()).toEqual(instanceNames(r()).sort());
    expect(portal.publicUrl).toMatch(/^https:\/\/photos\.example\.org$/);
    for (const env of envOf('instance')) {
      const instance = loadInstanceConfig(env);
      const node = portal.nodes.find((n) => n.name === instance.nodeName)!;
      expect({ clientId: instance.clientId, clientSecret: instance.clientSecret, url: instance.publicUrl }).toEqual({
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

describe('what each values file is for', () => {
  test('default values: a portal of two replicas with a disruption budget, a bundled Postgres per service and an append-only Redis per instance', () => {
    const r = byFile('values.yaml');
    expect(find(r, 'Deployment', 'atrium-portal').spec.replicas).toBeGreaterThanOrEqual(2);
    expect(find(r, 'PodDisruptionBudget', 'atrium-portal').spec.minAvailable).toBe(1);
    expect(all(r, 'StatefulSet').map((s) => s.metadata.name).sort()).toEqual(['atrium-family-postgres', 'atrium-family-redis', 'atrium-portal-postgres']);
    const redis = find(r, 'StatefulSet', 'atrium-family-redis').spec.template.spec.containers[0];
    expect(redis.command.join(' ')).toMatch(/--appendonly yes .*--maxmemory-policy noeviction/);
    const secret = find(r, 'Secret', 'atrium-portal');
    expect(Buffer.from(Buffer.from(secret.data!.ATRIUM_SECRET_KEY!, 'base64').toString(), 'base64')).toHaveLength(32);
    expect(secret.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect(all(r, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(all(r, 'ServiceMonitor')).toEqual([]);
  });

  test('bundled: workers scale by replicas and take their concurrency', () => {
    const worker = find(byFile('bundled-values.yaml'), 'Deployment', 'atrium-studio-worker');
    expect(worker.spec.replicas).toBe(3);
    const env = Object.fromEntries(worker.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ WORKER_CONCURRENCY_METADATA: '4', WORKER_CONCURRENCY_THUMBNAILS: '2', WORKER_CONCURRENCY_VIDEO: '1' });
  });

  test('cloudnativepg: a Cluster per service with backups to object storage, an HPA and ServiceMonitors on the metrics ports', () => {
    const r = byFile('cloudnativepg-values.yaml');
    expect(all(r, 'StatefulSet').map((s) => s.metadata.name).sort()).toEqual(['atrium-family-redis', 'atrium-studio-redis']);
    expect(all(r, 'Cluster').map((c) => c.metadata.name).sort()).toEqual(['atrium-family-db', 'atrium-portal-db', 'atrium-studio-db']);
    expect(find(r, 'Cluster', 'atrium-portal-db').spec).toMatchObject({ instances: 3, storage: { size: '20Gi', storageClass: 'fast' } });
    expect(find(r, 'Cluster', 'atrium-family-db').spec.backup.barmanObjectStore.destinationPath).toBe('s3://atrium-backups/family');
    expect(find(r, 'Cluster', 'atrium-studio-db').spec.backup).toBeUndefined();
    expect(all(r, 'ScheduledBackup').map((b) => [b.spec.cluster.name, b.spec.schedule]).sort()).toEqual([
      ['atrium-family-db', '0 30 2 * * *'],
      ['atrium-portal-db', '0 0 3 * * *'],
    ]);
    const env = find(r, 'Deployment', 'atrium-family').spec.template.spec.containers[0].env;
    expect(env.find((e: { name: string }) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({ name: 'atrium-family-db-app', key: 'uri' });
    const hpa = find(r, 'HorizontalPodAutoscaler', 'atrium-portal');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5, scaleTargetRef: { name: 'atrium-portal' } });
    expect(find(r, 'Deployment', 'atrium-portal').spec.replicas).toBeUndefined();
    const monitors = all(r, 'ServiceMonitor');
    expect(monitors).toHaveLength(3);
    for (const sm of monitors) {
      expect(sm.metadata.labels?.release).toBe('prometheus');
      expect(sm.spec.endpoints.map((e: { port: string }) => e.port)).toEqual(['metrics']);
      const services = all(r, 'Service').filter((s) => matches(sm.spec.selector, s.metadata.labels!));
      expect(services.length).toBeGreaterThan(0);
      for (const s of services) expect(s.spec.ports.map((p: { name: string }) => p.name)).toContain('metrics');
    }
  });

  test('external: no bundled database or Redis, and every secret read from the Secrets named', () => {
    const r = byFile('external-values.yaml');
    expect(all(r, 'StatefulSet')).toEqual([]);
    expect(all(r, 'Secret').map((s) => s.metadata.name)).toEqual(['atrium-studio-node']);
    const envRef = (deployment: string, name: string) =>
      find(r, 'Deployment', deployment).spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === name).valueFrom.secretKeyRef;
    expect(envRef('atrium-portal', 'ATRIUM_SECRET_KEY')).toEqual({ name: 'atrium-portal-key', key: 'ATRIUM_SECRET_KEY' });
    expect(envRef('atrium-portal', 'DATABASE_URL')).toEqual({ name: 'atrium-portal-db', key: 'url' });
    expect(envRef('atrium-portal', 'LDAP_BIND_PASSWORD')).toEqual({ name: 'atrium-ldap', key: 'password' });
    expect(envRef('atrium-portal', 'NODE_FAMILY_CLIENT_SECRET')).toEqual({ name: 'atrium-family-credentials', key: 'NODE_CLIENT_SECRET' });
    expect(envRef('atrium-family', 'NODE_CLIENT_ID')).toEqual({ name: 'atrium-family-credentials', key: 'NODE_CLIENT_ID' });
    expect(envRef('atrium-family', 'DATABASE_URL')).toEqual({ name: 'atrium-family-db', key: 'DATABASE_URL' });
    expect(envRef('atrium-family-worker', 'REDIS_URL')).toEqual({ name: 'atrium-family-redis-url', key: 'REDIS_URL' });
    expect(envRef('atrium-studio', 'REDIS_URL')).toEqual({ name: 'atrium-studio-redis-url', key: 'url' });
  });

  test('tls: every Ingress names its host in tls, with cert-manager asked for the certificates', () => {
    const r = byFile('tls-values.yaml');
    const ingresses = all(r, 'Ingress');
    expect(ingresses).toHaveLength(3);
    for (const ing of ingresses) {
      expect(ing.spec.ingressClassName).toBe('nginx');
      expect(ing.spec.tls).toEqual([{ hosts: [ing.spec.rules[0].host], secretName: expect.any(String) }]);
      expect(ing.metadata.annotations).toMatchObject({ 'cert-manager.io/cluster-issuer': 'letsencrypt', 'nginx.ingress.kubernetes.io/proxy-body-size': '512m' });
    }
    expect(find(r, 'Ingress', 'atrium-portal').spec.tls[0].secretName).toBe('photos-example-org-tls');
    expect(find(r, 'Ingress', 'atrium-club').spec.tls[0].secretName).toBe('atrium-club-tls');
    expect(find(r, 'Ingress', 'atrium-family').metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('600');
    expect(find(r, 'Ingress', 'atrium-club').metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBeUndefined();
  });

  test('volumes: a new claim, existing claims and host paths, shared by an instance and its workers only', () => {
    const r = byFile('volumes-values.yaml');
    expect(all(r, 'PersistentVolumeClaim').map((c) => [c.metadata.name, c.spec.accessModes, c.spec.storageClassName])).toEqual([
      ['atrium-family-originals', ['ReadWriteMany'], 'nfs-client'],
      ['atrium-family-cache', ['ReadWriteMany'], 'nfs-client'],
    ]);
    const storage = (name: string) => storageOf(r.pods.find((p) => p.owner === `Deployment/${name}`)!);
    expect(storage('atrium-family')).toEqual(['pvc:atrium-family-originals', 'pvc:atrium-family-cache']);
    expect(storage('atrium-studio-worker')).toEqual(['pvc:studio-archive', 'pvc:studio-derivatives']);
    expect(storage('atrium-club')).toEqual(['hostPath:/srv/photos/club', 'hostPath:/srv/cache/club']);
    const originalsMount = (name: string) =>
      r.pods.find((p) => p.owner === `Deployment/${name}`)!.spec.containers[0]!.volumeMounts!.find((m) => m.name === 'originals')!;
    expect(originalsMount('atrium-studio').readOnly).toBe(true);
    expect(originalsMount('atrium-family').readOnly).toBeUndefined();
    for (const name of ['family', 'studio', 'club']) expect(originalsMount(`atrium-${name}-worker`).readOnly).toBe(true);
    expect(find(r, 'Deployment', 'atrium-family').spec.replicas).toBe(2);
    expect(find(r, 'PodDisruptionBudget', 'atrium-family').spec.selector.matchLabels['atrium.io/instance']).toBe('family');
    expect(find(r, 'Deployment', 'atrium-club').spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'photo-box' });
    expect(find(r, 'Deployment', 'atrium-portal').spec.replicas).toBe(3);
  });

  test('the schema check itself fails on a manifest that breaks the schema', async () => {
    const deployment = structuredClone(find(byFile('values.yaml'), 'Deployment', 'atrium-portal'));
    deployment.spec.replicas = 'two';
    await expect(validateManifest(deployment)).rejects.toThrow(/Deployment atrium-portal: .*replicas must be integer/);
    const cluster = structuredClone(find(byFile('cloudnativepg-values.yaml'), 'Cluster', 'atrium-family-db'));
    cluster.spec.instances = 'many';
    await expect(validateManifest(cluster)).rejects.toThrow(/Cluster atrium-family-db: .*instances/);
  });
});
