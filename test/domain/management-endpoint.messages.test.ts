import { describe, expect, it } from 'vitest';
import { InvalidEndpointError } from '../../src/domain/errors/domain.error.js';
import { ManagementEndpoint } from '../../src/domain/model/management-endpoint.js';

const customDomain = { apiId: 'abc123', domainName: 'ws.example.com', stage: 'dev' };
const refusal = (defaultRegion: unknown) => {
  try {
    ManagementEndpoint.fromRequestContext(customDomain, defaultRegion as string);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEndpointError);
    return (error as Error).message;
  }
  throw new Error(`region ${String(defaultRegion)} was accepted`);
};

describe('ManagementEndpoint error messages', () => {
  it('should quote a bad default region of a custom domain', () => {
    expect(refusal('moon-1')).toBe('region "moon-1" is not an AWS region');
  });

  it('should cut a long bad value at 100 characters in the message', () => {
    expect(refusal(`x${'y'.repeat(150)}`)).toBe(`region "x${'y'.repeat(99)}" is not an AWS region`);
  });

  it.each([
    [null, '(null)'],
    [undefined, '(undefined)'],
    [42, '(number)'],
    [{ region: 'eu-west-1' }, '(object)'],
  ])('should name the type of a default region %j that is not a string', (value, shown) => {
    expect(refusal(value)).toBe(`region ${shown} is not an AWS region`);
  });

  it('should name the type of an API id that is not a string', () => {
    expect(() => ManagementEndpoint.fromRequestContext({ ...customDomain, apiId: null as unknown as string }, 'us-east-1')).toThrow(
      'apiId (null) is not an API Gateway id',
    );
  });
});
