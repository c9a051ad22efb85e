import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import type { EndpointRegistry } from '../../src/ports/endpoint.registry.js';

/**
 * The behaviour every EndpointRegistry must have. `factory` runs once per suite; tests share the registry,
 * so each one uses API ids of its own and reads `list()` through them.
 */
export function describeEndpointRegistryContract(
  name: string,
  factory: () => EndpointRegistry | Promise<EndpointRegistry>,
): void {
  describe(`${name} (EndpointRegistry contract)`, () => {
    let registry: EndpointRegistry;

    beforeAll(async () => {
      registry = await factory();
    });

    it('should find a registered endpoint by API id and stage', async () => {
      const endpoint = anEndpoint(anApiId(), 'prod', 'eu-west-1');
      await registry.register(endpoint);

      expect(await registry.find(endpoint.apiId, 'prod')).toEqual(endpoint);
    });

    it('should return undefined for an API and stage never registered', async () => {
      const endpoint = anEndpoint(anApiId(), 'prod', 'eu-west-1');
      await registry.register(endpoint);

      expect(await registry.find(anApiId(), 'prod')).toBeUndefined();
      expect(await registry.find(endpoint.apiId, 'dev')).toBeUndefined();
    });

    it('should keep a single entry when the same endpoint is registered twice', async () => {
      const endpoint = anEndpoint(anApiId(), 'dev', 'us-east-1');
      await registry.register(endpoint);
      await registry.register({ ...endpoint });

      expect(ofApis(await registry.list(), endpoint.apiId)).toEqual([endpoint]);
    });

    it('should replace the endpoint of an API and stage registered again with other fields', async () => {
      const apiId = anApiId();
      const first = anEndpoint(apiId, 'prod', 'eu-west-1');
      const viaCustomDomain: ManagementEndpointProps = { ...first, domainName: 'ws.example.com' };
      await registry.register(first);
      await registry.register(viaCustomDomain);

      expect(await registry.find(apiId, 'prod')).toEqual(viaCustomDomain);
      expect(ofApis(await registry.list(), apiId)).toEqual([viaCustomDomain]);
    });

    it('should keep several APIs and stages side by side', async () => {
      const api1 = anApiId();
      const api2 = anApiId();
      const endpoints = [
        anEndpoint(api1, 'dev', 'eu-west-1'),
        anEndpoint(api1, 'prod', 'eu-west-1'),
        anEndpoint(api2, 'dev', 'us-east-1'),
        anEndpoint(api2, 'prod', 'ap-southeast-2'),
      ];
      await Promise.all(endpoints.map((e) => registry.register(e)));

      for (const endpoint of endpoints) {
        expect(await registry.find(endpoint.apiId, endpoint.stage)).toEqual(endpoint);
      }
      expect(sortByKey(ofApis(await registry.list(), api1, api2))).toEqual(sortByKey(endpoints));
    });

    it('should list every registered endpoint when there are many', async () => {
      const endpoints = Array.from({ length: 40 }, (_, i) => anEndpoint(anApiId(), `stage${i}`, 'eu-central-1'));
      await Promise.all(endpoints.map((e) => registry.register(e)));

      const listed = ofApis(await registry.list(), ...endpoints.map((e) => e.apiId));
      expect(sortByKey(listed)).toEqual(sortByKey(endpoints));
    });

    it('should hand out copies, so changing a found endpoint does not change the stored one', async () => {
      const endpoint = anEndpoint(anApiId(), 'prod', 'eu-west-1');
      await registry.register(endpoint);

      const found = (await registry.find(endpoint.apiId, 'prod')) as ManagementEndpointProps;
      found.url = 'https://tampered.example.com';

      expect(await registry.find(endpoint.apiId, 'prod')).toEqual(endpoint);
    });
  });
}

/** API Gateway ids are lowercase letters and digits. */
function anApiId(): string {
  return randomBytes(5).toString('hex');
}

function anEndpoint(apiId: string, stage: string, region: string): ManagementEndpointProps {
  const domainName = `${apiId}.execute-api.${region}.amazonaws.com`;
  return { apiId, domainName, stage, url: `https://${domainName}/${stage}`, region };
}

function ofApis(endpoints: ManagementEndpointProps[], ...apiIds: string[]): ManagementEndpointProps[] {
  return endpoints.filter((e) => apiIds.includes(e.apiId));
}

function sortByKey(endpoints: ManagementEndpointProps[]): ManagementEndpointProps[] {
  const key = (e: ManagementEndpointProps): string => `${e.apiId}#${e.stage}`;
  return [...endpoints].sort((a, b) => key(a).localeCompare(key(b)));
}
