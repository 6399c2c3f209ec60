// Reading what `helm template` rendered: the documents, their pods, the environment a container
// would see, and which pods a NetworkPolicy selects or admits.
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
}

export function parseManifests(yaml: string): Manifest[] {
  return parseAllDocuments(yaml)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

const MODELS: Record<string, string> = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'postgresql.cnpg.io/v1': '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

/** Validates a manifest against its OpenAPI schema (kubernetes-models); throws naming it. */
export async function validateManifest(m: Manifest): Promise<void> {
  const module = MODELS[m.apiVersion];
  if (!module)
    throw new Error(`${m.kind} ${m.metadata?.name}: no schema known for apiVersion ${m.apiVersion}`);
  const models = (await import(module)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = models[m.kind];
  if (!Model) throw new Error(`${m.kind} ${m.metadata?.name}: ${module} has no model ${m.kind}`);
  try {
    new Model(m).validate();
  } catch (error) {
    throw new Error(`${m.kind} ${m.metadata.name}: ${(error as Error).message}`);
  }
}

export interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { secretRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  securityContext?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  readinessProbe?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  livenessProbe?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Pod {
  /** The workload that makes it: `Deployment/atrium-family`. */
  owner: string;
  labels: Record<string, string>;
  spec: { containers: Container[]; volumes?: any[]; securityContext?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The pods the manifests make: workloads' templates, and CloudNativePG clusters' pods by label. */
export function podsOf(manifests: Manifest[]): Pod[] {
  const pods: Pod[] = [];
  for (const m of manifests) {
    if (['Deployment', 'StatefulSet', 'Job'].includes(m.kind)) {
      pods.push({
        owner: `${m.kind}/${m.metadata.name}`,
        labels: m.spec.template.metadata.labels,
        spec: m.spec.template.spec,
      });
    } else if (m.kind === 'Cluster') {
      pods.push({
        owner: `Cluster/${m.metadata.name}`,
        labels: { ...(m.spec.inheritedMetadata?.labels ?? {}), 'cnpg.io/cluster': m.metadata.name },
        spec: { containers: [] },
      });
    }
  }
  return pods;
}

/** Which library a pod belongs to: its `atrium.io/instance`, or `portal`. */
export function scopeOf(pod: Pod): string {
  return pod.labels['atrium.io/instance'] ?? 'portal';
}

export function matches(
  selector: { matchLabels?: Record<string, string> } | undefined,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** Every Secret a pod reads, by name. */
export function secretsReadBy(pod: Pod): Set<string> {
  const names = new Set<string>();
  for (const c of pod.spec.containers) {
    for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) names.add(e.valueFrom.secretKeyRef.name);
    for (const e of c.envFrom ?? []) if (e.secretRef) names.add(e.secretRef.name);
  }
  for (const v of pod.spec.volumes ?? []) if (v.secret) names.add(v.secret.secretName);
  return names;
}

/** The claim names and host paths a pod mounts. */
export function storageOf(pod: Pod): string[] {
  return (pod.spec.volumes ?? []).flatMap(
    (v: { persistentVolumeClaim?: { claimName: string }; hostPath?: { path: string } }) =>
      v.persistentVolumeClaim
        ? [`pvc:${v.persistentVolumeClaim.claimName}`]
        : v.hostPath
          ? [`hostPath:${v.hostPath.path}`]
          : [],
  );
}

/** What an operator would put in a Secret the chart does not make, by the variable it feeds. */
function standIn(variable: string, secret: string, key: string): string {
  const tag = createHash('sha256').update(`${secret}/${key}`).digest();
  if (/DATABASE_URL$/.test(variable))
    return `postgres://atrium:pw@${secret}.db.example.org:5432/${key.toLowerCase()}`;
  if (/REDIS_URL$/.test(variable)) return `redis://:pw@${secret}.redis.example.org:6379`;
  if (variable === 'ATRIUM_SECRET_KEY') return tag.toString('base64');
  if (/CLIENT_SECRET$/.test(variable)) return Buffer.concat([tag, tag]).toString('base64url');
  return `${secret}-${key}`.toLowerCase();
}

/**
 * The environment a container sees: Secret values from `secrets` (rendered ones decoded, others
 * stood in for as an operator would fill them), then `$(VAR)` expanded as the kubelet does.
 */
export function resolveEnv(
  container: Container,
  secrets: Map<string, Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const data = secrets.get(name);
      env[e.name] = data
        ? Buffer.from(data[key] ?? '', 'base64').toString('utf8')
        : standIn(e.name, name, key);
    } else {
      env[e.name] = (e.value ?? '').replace(/\$\((\w+)\)/g, (ref, name: string) => env[name] ?? ref);
    }
  }
  return env;
}

export function secretData(manifests: Manifest[]): Map<string, Record<string, string>> {
  return new Map(manifests.filter((m) => m.kind === 'Secret').map((m) => [m.metadata.name, m.data ?? {}]));
}

export interface Admission {
  /** The rendered pods a policy lets in (peers that are pod selectors in this namespace). */
  pods: Pod[];
  /** Peers from other namespaces (the ingress controller, Prometheus, the CNPG operator). */
  namespacePeers: number;
}

/** What a NetworkPolicy's ingress rules admit, optionally only on one port. */
export function admittedBy(policy: Manifest, pods: Pod[], port?: string | number): Admission {
  const result: Admission = { pods: [], namespacePeers: 0 };
  for (const rule of policy.spec.ingress ?? []) {
    if (port !== undefined && !(rule.ports ?? []).some((p: { port: string | number }) => p.port === port))
      continue;
    for (const peer of rule.from ?? []) {
      if (peer.namespaceSelector || peer.ipBlock) result.namespacePeers++;
      else if (peer.podSelector) result.pods.push(...pods.filter((p) => matches(peer.podSelector, p.labels)));
    }
  }
  return result;
}

/** The rendered pods a NetworkPolicy lets its pods connect to (`to` peers that are pod selectors). */
export function reachableFrom(policy: Manifest, pods: Pod[]): Pod[] {
  return (policy.spec.egress ?? []).flatMap(
    (rule: { to?: { podSelector?: object; namespaceSelector?: object }[] }) =>
      (rule.to ?? [])
        .filter((peer) => peer.podSelector && !peer.namespaceSelector)
        .flatMap((peer) => pods.filter((p) => matches(peer.podSelector, p.labels))),
  );
}
