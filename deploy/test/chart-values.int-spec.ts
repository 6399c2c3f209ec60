// What each ci/ values file is for, read from what `helm template` renders with it: the
// defaults, scaled workers, CloudNativePG with backups, external databases, TLS, volumes.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { all, CHART, CI_VALUES, find, Helm, type Rendered } from './chart.js';
import { matches, parseManifests, reachableFrom, storageOf, validateManifest } from './manifests.js';

let helm: Helm;
const renders: Rendered[] = [];
const byFile = (file: string) => renders.find((r) => r.file === file)!;

beforeAll(() => {
  helm = new Helm();
  renders.push(helm.render());
  for (const file of CI_VALUES) renders.push(helm.render(file));
});
afterAll(() => helm?.close());

describe('what each values file is for', () => {
  test('default values: a portal of two replicas with a disruption budget, a bundled Postgres per service and an append-only Redis per instance', () => {
    const r = byFile('values.yaml');
    expect(find(r, 'Deployment', 'atrium-portal').spec.replicas).toBeGreaterThanOrEqual(2);
    expect(find(r, 'PodDisruptionBudget', 'atrium-portal').spec.minAvailable).toBe(1);
    expect(
      all(r, 'StatefulSet')
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(['atrium-family-postgres', 'atrium-family-redis', 'atrium-portal-postgres']);
    const redis = find(r, 'StatefulSet', 'atrium-family-redis').spec.template.spec.containers[0];
    expect(redis.command.join(' ')).toMatch(/--appendonly yes .*--maxmemory-policy noeviction/);
    const secret = find(r, 'Secret', 'atrium-portal');
    expect(
      Buffer.from(Buffer.from(secret.data!.ATRIUM_SECRET_KEY!, 'base64').toString(), 'base64'),
    ).toHaveLength(32);
    expect(secret.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect(all(r, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(all(r, 'ServiceMonitor')).toEqual([]);
  });

  test('bundled: web pods reach only their own stores, the portal and what extraTo names', () => {
    const r = byFile('bundled-values.yaml');
    const reached = (policy: string) =>
      reachableFrom(find(r, 'NetworkPolicy', policy), r.pods)
        .map((p) => p.owner)
        .sort();
    expect(reached('atrium-family')).toEqual([
      'Deployment/atrium-portal',
      'StatefulSet/atrium-family-postgres',
      'StatefulSet/atrium-family-redis',
    ]);
    expect(reached('atrium-portal')).toEqual([
      'Deployment/atrium-portal',
      'StatefulSet/atrium-portal-postgres',
    ]);
    const egress = find(r, 'NetworkPolicy', 'atrium-studio').spec.egress;
    expect(egress).toContainEqual({
      to: [{ ipBlock: { cidr: '203.0.113.10/32' } }],
      ports: [{ port: 443, protocol: 'TCP' }],
    });
    expect(find(byFile('values.yaml'), 'NetworkPolicy', 'atrium-family').spec.policyTypes).toEqual([
      'Ingress',
    ]);
  });

  test('bundled: workers scale by replicas and take their concurrency', () => {
    const worker = find(byFile('bundled-values.yaml'), 'Deployment', 'atrium-studio-worker');
    expect(worker.spec.replicas).toBe(3);
    const env = Object.fromEntries(
      worker.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [
        e.name,
        e.value,
      ]),
    );
    expect(env).toMatchObject({
      WORKER_CONCURRENCY_METADATA: '4',
      WORKER_CONCURRENCY_THUMBNAILS: '2',
      WORKER_CONCURRENCY_VIDEO: '1',
    });
  });

  test('cloudnativepg: a Cluster per service with backups to object storage, an HPA and ServiceMonitors on the metrics ports', () => {
    const r = byFile('cloudnativepg-values.yaml');
    expect(
      all(r, 'StatefulSet')
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(['atrium-family-redis', 'atrium-studio-redis']);
    expect(
      all(r, 'Cluster')
        .map((c) => c.metadata.name)
        .sort(),
    ).toEqual(['atrium-family-db', 'atrium-portal-db', 'atrium-studio-db']);
    expect(find(r, 'Cluster', 'atrium-portal-db').spec).toMatchObject({
      instances: 3,
      storage: { size: '20Gi', storageClass: 'fast' },
    });
    expect(find(r, 'Cluster', 'atrium-family-db').spec.backup.barmanObjectStore.destinationPath).toBe(
      's3://atrium-backups/family',
    );
    expect(find(r, 'Cluster', 'atrium-studio-db').spec.backup).toBeUndefined();
    expect(
      all(r, 'ScheduledBackup')
        .map((b) => [b.spec.cluster.name, b.spec.schedule])
        .sort(),
    ).toEqual([
      ['atrium-family-db', '0 30 2 * * *'],
      ['atrium-portal-db', '0 0 3 * * *'],
    ]);
    const env = find(r, 'Deployment', 'atrium-family').spec.template.spec.containers[0].env;
    expect(env.find((e: { name: string }) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({
      name: 'atrium-family-db-app',
      key: 'uri',
    });
    const hpa = find(r, 'HorizontalPodAutoscaler', 'atrium-portal');
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 5,
      scaleTargetRef: { name: 'atrium-portal' },
    });
    expect(find(r, 'Deployment', 'atrium-portal').spec.replicas).toBeUndefined();
    const monitors = all(r, 'ServiceMonitor');
    expect(monitors).toHaveLength(3);
    for (const sm of monitors) {
      expect(sm.metadata.labels?.release).toBe('prometheus');
      expect(sm.spec.endpoints.map((e: { port: string }) => e.port)).toEqual(['metrics']);
      expect(sm.spec.endpoints[0].authorization).toEqual({
        type: 'Bearer',
        credentials: { name: 'atrium-metrics', key: 'METRICS_TOKEN' },
      });
      const services = all(r, 'Service').filter((s) => matches(sm.spec.selector, s.metadata.labels!));
      expect(services.length).toBeGreaterThan(0);
      for (const s of services)
        expect(s.spec.ports.map((p: { name: string }) => p.name)).toContain('metrics');
    }
  });

  test('external: no bundled database or Redis, and every secret read from the Secrets named', () => {
    const r = byFile('external-values.yaml');
    expect(all(r, 'StatefulSet')).toEqual([]);
    expect(all(r, 'Secret').map((s) => s.metadata.name)).toEqual(['atrium-studio-node']);
    const envRef = (deployment: string, name: string) =>
      find(r, 'Deployment', deployment).spec.template.spec.containers[0].env.find(
        (e: { name: string }) => e.name === name,
      ).valueFrom.secretKeyRef;
    expect(envRef('atrium-portal', 'ATRIUM_SECRET_KEY')).toEqual({
      name: 'atrium-portal-key',
      key: 'ATRIUM_SECRET_KEY',
    });
    expect(envRef('atrium-portal', 'DATABASE_URL')).toEqual({ name: 'atrium-portal-db', key: 'url' });
    expect(envRef('atrium-portal', 'LDAP_BIND_PASSWORD')).toEqual({ name: 'atrium-ldap', key: 'password' });
    expect(envRef('atrium-portal', 'NODE_FAMILY_CLIENT_SECRET')).toEqual({
      name: 'atrium-family-credentials',
      key: 'NODE_CLIENT_SECRET',
    });
    expect(envRef('atrium-family', 'NODE_CLIENT_ID')).toEqual({
      name: 'atrium-family-credentials',
      key: 'NODE_CLIENT_ID',
    });
    expect(envRef('atrium-family', 'DATABASE_URL')).toEqual({
      name: 'atrium-family-db',
      key: 'DATABASE_URL',
    });
    expect(envRef('atrium-family-worker', 'REDIS_URL')).toEqual({
      name: 'atrium-family-redis-url',
      key: 'REDIS_URL',
    });
    expect(envRef('atrium-studio', 'REDIS_URL')).toEqual({ name: 'atrium-studio-redis-url', key: 'url' });
  });

  test('tls: every Ingress names its host in tls, with cert-manager asked for the certificates', () => {
    const r = byFile('tls-values.yaml');
    const ingresses = all(r, 'Ingress');
    expect(ingresses).toHaveLength(3);
    for (const ing of ingresses) {
      expect(ing.spec.ingressClassName).toBe('nginx');
      expect(ing.spec.tls).toEqual([{ hosts: [ing.spec.rules[0].host], secretName: expect.any(String) }]);
      expect(ing.metadata.annotations).toMatchObject({
        'cert-manager.io/cluster-issuer': 'letsencrypt',
        'nginx.ingress.kubernetes.io/proxy-body-size': '512m',
      });
    }
    expect(find(r, 'Ingress', 'atrium-portal').spec.tls[0].secretName).toBe('photos-example-org-tls');
    expect(find(r, 'Ingress', 'atrium-club').spec.tls[0].secretName).toBe('atrium-club-tls');
    expect(
      find(r, 'Ingress', 'atrium-family').metadata.annotations?.[
        'nginx.ingress.kubernetes.io/proxy-read-timeout'
      ],
    ).toBe('600');
    expect(
      find(r, 'Ingress', 'atrium-club').metadata.annotations?.[
        'nginx.ingress.kubernetes.io/proxy-read-timeout'
      ],
    ).toBeUndefined();
  });

  test('volumes: a new claim, existing claims and host paths, shared by an instance and its workers only', () => {
    const r = byFile('volumes-values.yaml');
    expect(
      all(r, 'PersistentVolumeClaim').map((c) => [
        c.metadata.name,
        c.spec.accessModes,
        c.spec.storageClassName,
      ]),
    ).toEqual([
      ['atrium-family-originals', ['ReadWriteMany'], 'nfs-client'],
      ['atrium-family-cache', ['ReadWriteMany'], 'nfs-client'],
    ]);
    const storage = (name: string) => storageOf(r.pods.find((p) => p.owner === `Deployment/${name}`)!);
    expect(storage('atrium-family')).toEqual(['pvc:atrium-family-originals', 'pvc:atrium-family-cache']);
    expect(storage('atrium-studio-worker')).toEqual(['pvc:studio-archive', 'pvc:studio-derivatives']);
    expect(storage('atrium-club')).toEqual(['hostPath:/srv/photos/club', 'hostPath:/srv/cache/club']);
    const originalsMount = (name: string) =>
      r.pods
        .find((p) => p.owner === `Deployment/${name}`)!
        .spec.containers[0]!.volumeMounts!.find((m) => m.name === 'originals')!;
    expect(originalsMount('atrium-studio').readOnly).toBe(true);
    expect(originalsMount('atrium-family').readOnly).toBeUndefined();
    for (const name of ['family', 'studio', 'club'])
      expect(originalsMount(`atrium-${name}-worker`).readOnly).toBe(true);
    expect(find(r, 'Deployment', 'atrium-family').spec.replicas).toBe(2);
    expect(
      find(r, 'PodDisruptionBudget', 'atrium-family').spec.selector.matchLabels['atrium.io/instance'],
    ).toBe('family');
    expect(find(r, 'Deployment', 'atrium-club').spec.template.spec.nodeSelector).toEqual({
      'kubernetes.io/hostname': 'photo-box',
    });
    expect(find(r, 'Deployment', 'atrium-portal').spec.replicas).toBe(3);
  });

  test('the schema check itself fails on a manifest that breaks the schema', async () => {
    const deployment = structuredClone(find(byFile('values.yaml'), 'Deployment', 'atrium-portal'));
    deployment.spec.replicas = 'two';
    await expect(validateManifest(deployment)).rejects.toThrow(
      /Deployment atrium-portal: .*replicas must be integer/,
    );
    const cluster = structuredClone(find(byFile('cloudnativepg-values.yaml'), 'Cluster', 'atrium-family-db'));
    cluster.spec.instances = 'many';
    await expect(validateManifest(cluster)).rejects.toThrow(/Cluster atrium-family-db: .*instances/);
  });

  test("an instance's own settings win over instanceDefaults, false and 0 included", () => {
    const result = helm.template(
      [
        'instanceDefaults:',
        '  originals: { readOnly: true }',
        '  worker: { concurrency: { video: 2 } }',
        'instances:',
        '  - { name: archive, host: archive.example.org, replicas: 0, worker: { replicas: 0 }, originals: { readOnly: false } }',
        '  - { name: family, host: family.example.org }',
      ].join('\n'),
    );
    expect(result.status, result.stderr).toBe(0);
    const manifests = parseManifests(result.stdout);
    const deployment = (name: string) =>
      manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === name)!;
    expect(deployment('atrium-archive').spec.replicas).toBe(0);
    expect(deployment('atrium-archive-worker').spec.replicas).toBe(0);
    expect(deployment('atrium-family-worker').spec.replicas).toBe(1);
    const originals = (name: string) =>
      deployment(name).spec.template.spec.containers[0].volumeMounts.find(
        (m: { name: string }) => m.name === 'originals',
      );
    expect(originals('atrium-archive').readOnly).toBeUndefined();
    expect(originals('atrium-family').readOnly).toBe(true);
    const video = deployment('atrium-family-worker').spec.template.spec.containers[0].env.find(
      (e: { name: string }) => e.name === 'WORKER_CONCURRENCY_VIDEO',
    );
    expect(video.value).toBe('2');
  });

  test('on an upgrade, a service with no Deployment yet migrates after its database exists', () => {
    const result = helm.template('instances:\n  - { name: family, host: family.example.org }\n', [
      '--is-upgrade',
    ]);
    expect(result.status, result.stderr).toBe(0);
    const hooks = parseManifests(result.stdout)
      .filter((m) => m.kind === 'Job')
      .map((j) => [j.metadata.name, j.metadata.annotations?.['helm.sh/hook']]);
    expect(hooks.sort()).toEqual([
      ['atrium-family-migrate', 'post-upgrade'],
      ['atrium-portal-migrate', 'post-upgrade'],
    ]);
  });

  test('the install notes say where the portal and each library are, and how to make the first admin', () => {
    const result = helm.run([
      'install',
      'atrium',
      CHART,
      '--dry-run=client',
      '--namespace',
      'photos',
      '-f',
      `${CHART}/ci/tls-values.yaml`,
    ]);
    expect(result.status, result.stderr).toBe(0);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    expect(notes).toMatch(/https:\/\/photos\.example\.org/);
    expect(notes).toMatch(/family: https:\/\/family\.photos\.example\.org/);
    expect(notes).toMatch(/club: https:\/\/club\.example\.net/);
    expect(notes).toMatch(
      /kubectl -n photos exec -it deploy\/atrium-portal -- \\\n\s+atrium users add --cluster-admin --password-stdin/,
    );
    expect(notes).not.toMatch(/No TLS is configured/);
  });
});
