// Wrong values stop `helm template` (and so `helm install`) with a message naming what is wrong,
// whether values.schema.json or the chart's own checks catch it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Helm } from './chart.js';

let helm: Helm;
beforeAll(() => {
  helm = new Helm();
});
afterAll(() => helm?.close());

const PORTAL = 'portal:\n  host: photos.example.org\n';

const cases: [string, string, RegExp][] = [
  [
    'an instance without a host',
    'instances:\n  - name: family\n',
    /instances\[0\] \(family\): host is required/,
  ],
  [
    'an instance with an empty host',
    'instances:\n  - name: family\n    host: ""\n',
    /instances\[0\] \(family\): host is required/,
  ],
  [
    'two instances with one name',
    'instances:\n  - { name: family, host: a.example.org }\n  - { name: studio, host: b.example.org }\n  - { name: family, host: c.example.org }\n',
    /instances\[2\] \(family\): two instances are named family \(instances\[0\] too\)/,
  ],
  [
    'two instances on one host',
    'instances:\n  - { name: family, host: a.example.org }\n  - { name: studio, host: a.example.org }\n',
    /instances\[1\] \(studio\): host a\.example\.org is already used by instance family/,
  ],
  [
    "an instance on the portal's host",
    'instances:\n  - { name: family, host: photos.example.org }\n',
    /instances\[0\] \(family\): host photos\.example\.org is already used by the portal/,
  ],
  [
    'an instance without a name',
    'instances:\n  - { host: a.example.org }\n',
    /\/instances\/0.*missing property 'name'/,
  ],
  [
    'an instance named with capitals',
    'instances:\n  - { name: Family, host: a.example.org }\n',
    /\/instances\/0\/name.*does not match pattern/,
  ],
  [
    'an instance named portal',
    'instances:\n  - { name: portal, host: a.example.org }\n',
    /instances\[0\] \(portal\): the name portal .* belong to the portal/,
  ],
  [
    "an instance name that ends like another instance's resources",
    'instances:\n  - { name: family, host: a.example.org }\n  - { name: family-worker, host: b.example.org }\n',
    /instances\[1\] \(family-worker\): a name may not end in -worker/,
  ],
  [
    'a name too long for the resources made from it',
    'fullnameOverride: photos-of-the-whole-family-xy\ninstances:\n  - { name: grandparents-archive-ab, host: a.example.org }\n',
    /instances\[0\] \(grandparents-archive-ab\): the name is too long for this release: .* has 62 characters, at most 52/,
  ],
  [
    'a database type that does not exist',
    'instances:\n  - { name: family, host: a.example.org, database: { type: mysql } }\n',
    /\/instances\/0\/database\/type.*value must be one of 'bundled', 'cloudnativepg', 'external'/,
  ],
  [
    'a Redis type that does not exist',
    'instances:\n  - { name: family, host: a.example.org, redis: { type: memcached } }\n',
    /\/instances\/0\/redis\/type.*value must be one of 'bundled', 'external'/,
  ],
  [
    'a volume type that does not exist',
    'instances:\n  - { name: family, host: a.example.org, originals: { type: nfs } }\n',
    /\/instances\/0\/originals\/type.*value must be one of 'pvc', 'existingClaim', 'hostPath'/,
  ],
  [
    'an ID-token algorithm the instances refuse',
    'instances:\n  - { name: family, host: a.example.org, idTokenAlg: HS256 }\n',
    /\/instances\/0\/idTokenAlg.*value must be one of 'EdDSA', 'RS256'/,
  ],
  [
    'a misspelt instance setting',
    'instances:\n  - { name: family, host: a.example.org, orignals: { type: pvc } }\n',
    /\/instances\/0.*additional properties 'orignals' not allowed/,
  ],
  [
    'a portal host with a scheme',
    'portal:\n  host: https://photos.example.org\n',
    /\/portal\/host.*does not match pattern/,
  ],
  [
    'an unknown portal default role',
    `portal:\n  host: photos.example.org\n  defaultRole: cluster_admin\n`,
    /\/portal\/defaultRole.*value must be one of/,
  ],
  [
    'an unknown log format',
    'logging:\n  format: xml\n',
    /\/logging\/format.*value must be one of 'json', 'pretty'/,
  ],
  ['a metrics port equal to the HTTP port', 'metrics:\n  port: 8080\n', /\/metrics\/port/],
  [
    'an external database without its Secret',
    'instances:\n  - { name: family, host: a.example.org, database: { type: external } }\n',
    /instances\[0\] \(family\)\.database\.external\.existingSecret is required/,
  ],
  [
    'an external portal database without its Secret',
    'portal:\n  host: photos.example.org\n  database: { type: external }\n',
    /portal\.database\.external\.existingSecret is required/,
  ],
  [
    'an external Redis without its Secret',
    'instances:\n  - { name: family, host: a.example.org, redis: { type: external } }\n',
    /instances\[0\] \(family\): redis\.external\.existingSecret is required/,
  ],
  [
    'an existing claim without its name',
    'instances:\n  - { name: family, host: a.example.org, cache: { type: existingClaim } }\n',
    /instances\[0\] \(family\): cache\.existingClaim is required when cache\.type is existingClaim/,
  ],
  [
    'a host path without its path',
    'instances:\n  - { name: family, host: a.example.org, originals: { type: hostPath } }\n',
    /instances\[0\] \(family\): originals\.hostPath is required/,
  ],
  [
    'backups without an object store',
    'instances:\n  - { name: family, host: a.example.org, database: { type: cloudnativepg, cloudnativepg: { backup: { enabled: true } } } }\n',
    /instances\[0\] \(family\)\.database\.cloudnativepg\.backup\.barmanObjectStore is required/,
  ],
];

describe('hostile values', () => {
  test.each(cases)('%s fails helm template with a message naming it', (_what, values, message) => {
    const result = helm.template(values.startsWith('portal:') ? values : PORTAL + values);
    expect(result.status, result.stdout.slice(0, 200)).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  test('the same values with the mistake fixed render', () => {
    const result = helm.template(
      `${PORTAL}instances:\n  - { name: family, host: a.example.org }\n  - { name: studio, host: b.example.org, database: { type: external, external: { existingSecret: db } } }\n`,
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/name: atrium-studio-worker/);
  });
});
