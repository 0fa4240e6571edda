import { describe, expect, it } from 'vitest';
import { BACKEND_SERVICE_DEFAULTS, loadBackendServices } from './backend-services.config';
import { loadPlatformConfig } from './platform.config';

const FILE = '/etc/dsp/services.json';

/** Loads DSP_SERVICES_FILE from the given JSON text instead of the disk. */
function fromFile(json: unknown): ReturnType<typeof loadBackendServices> {
  return loadBackendServices({ DSP_SERVICES_FILE: FILE }, (path) => {
    if (path !== FILE) throw new Error(`unexpected path ${path}`);
    return typeof json === 'string' ? json : JSON.stringify(json);
  });
}

describe('backend services configuration', () => {
  describe('DSP_SERVICES', () => {
    it('declares services by name and URL, with the defaults for everything else', () => {
      const services = loadBackendServices({ DSP_SERVICES: 'catalog=http://catalog.internal:8080/api, ratings=https://ratings.example/v1' });

      expect(services).toEqual({
        catalog: { baseUrl: 'http://catalog.internal:8080/api', timeoutMs: 2000, methods: ['GET', 'HEAD'], allowPrivateNetwork: false, maxResponseBytes: 1048576 },
        ratings: { baseUrl: 'https://ratings.example/v1', ...BACKEND_SERVICE_DEFAULTS },
      });
    });

    it('lets DSP_SERVICES_ALLOW_PRIVATE name the services that live on internal addresses', () => {
      const services = loadBackendServices({
        DSP_SERVICES: 'catalog=http://127.0.0.1:7071/catalog,ratings=http://ratings.example/',
        DSP_SERVICES_ALLOW_PRIVATE: 'catalog',
      });

      expect(services.catalog?.allowPrivateNetwork).toBe(true);
      expect(services.ratings?.allowPrivateNetwork).toBe(false);
    });

    it.each([
      [{ DSP_SERVICES: 'catalog' }, "DSP_SERVICES entries look like name=url, got 'catalog'"],
      [{ DSP_SERVICES: 'catalog=http://a/,catalog=http://b/' }, "DSP_SERVICES names service 'catalog' twice"],
      [{ DSP_SERVICES: 'catalog=file:///etc/passwd' }, "DSP_SERVICES: service 'catalog': baseUrl 'file:///etc/passwd' must be http:// or https://, not file://"],
      [{ DSP_SERVICES: 'catalog=not a url' }, "DSP_SERVICES: service 'catalog': baseUrl 'not a url' is not a URL"],
      [{ DSP_SERVICES: '__proto__=http://a/' }, "DSP_SERVICES: '__proto__' is not a service name"],
      [{ DSP_SERVICES: 'catalog=http://a/', DSP_SERVICES_ALLOW_PRIVATE: 'ratings' }, "DSP_SERVICES_ALLOW_PRIVATE names 'ratings', which DSP_SERVICES does not declare"],
      [{ DSP_SERVICES: 'catalog=http://a/', DSP_SERVICES_FILE: FILE }, 'set DSP_SERVICES_FILE or DSP_SERVICES, not both'],
      [{ DSP_SERVICES_FILE: FILE, DSP_SERVICES_ALLOW_PRIVATE: 'catalog' }, 'DSP_SERVICES_ALLOW_PRIVATE goes with DSP_SERVICES'],
    ])('refuses %o', (env, message) => {
      expect(() => loadBackendServices(env, () => '{}')).toThrow(message);
    });

    it('declares no services when nothing is set', () => {
      expect(loadBackendServices({})).toEqual({});
    });
  });

  describe('DSP_SERVICES_FILE', () => {
    it('reads every setting of every service, filling in the defaults', () => {
      const services = fromFile({
        catalog: { baseUrl: 'http://127.0.0.1:7071/catalog', timeoutMs: 500, methods: ['GET', 'post'], allowPrivateNetwork: true },
        ratings: { baseUrl: 'https://ratings.example/v1', maxResponseBytes: 65536 },
      });

      expect(services).toEqual({
        catalog: { baseUrl: 'http://127.0.0.1:7071/catalog', timeoutMs: 500, methods: ['GET', 'POST'], allowPrivateNetwork: true, maxResponseBytes: 1048576 },
        ratings: { baseUrl: 'https://ratings.example/v1', timeoutMs: 2000, methods: ['GET', 'HEAD'], allowPrivateNetwork: false, maxResponseBytes: 65536 },
      });
    });

    it.each([
      ['{ "catalog": ', `DSP_SERVICES_FILE ${FILE} is not JSON`],
      [[], `${FILE}: must be an object of services`],
      [{ catalog: 'http://a/' }, `${FILE}: service 'catalog': must be an object { "baseUrl": "http://..." }`],
      [{ catalog: {} }, `${FILE}: service 'catalog': baseUrl is required`],
      [{ catalog: { baseUrl: '/catalog' } }, `${FILE}: service 'catalog': baseUrl '/catalog' is not a URL`],
      [{ catalog: { baseUrl: 'gopher://a/' } }, `${FILE}: service 'catalog': baseUrl 'gopher://a/' must be http:// or https://, not gopher://`],
      [{ catalog: { baseUrl: 'http://user:pw@a/' } }, `${FILE}: service 'catalog': baseUrl must not carry credentials`],
      [{ catalog: { baseUrl: 'http://a/?key=1' } }, `${FILE}: service 'catalog': baseUrl 'http://a/?key=1' must not have a query or fragment`],
      [{ catalog: { baseUrl: 'http://a/', timeoutMs: 0 } }, `${FILE}: service 'catalog': timeoutMs must be a positive integer, got 0`],
      [{ catalog: { baseUrl: 'http://a/', timeoutMs: 1.5 } }, `${FILE}: service 'catalog': timeoutMs must be a positive integer, got 1.5`],
      [{ catalog: { baseUrl: 'http://a/', timeoutMs: '500' } }, `${FILE}: service 'catalog': timeoutMs must be a positive integer, got "500"`],
      [{ catalog: { baseUrl: 'http://a/', maxResponseBytes: -1 } }, `${FILE}: service 'catalog': maxResponseBytes must be a positive integer, got -1`],
      [{ catalog: { baseUrl: 'http://a/', methods: [] } }, `${FILE}: service 'catalog': methods must be a non-empty list such as ["GET", "POST"], got []`],
      [{ catalog: { baseUrl: 'http://a/', methods: 'GET' } }, `${FILE}: service 'catalog': methods must be a non-empty list`],
      [{ catalog: { baseUrl: 'http://a/', methods: ['GET', 'TRACE'] } }, `${FILE}: service 'catalog': methods: "TRACE" is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS`],
      [{ catalog: { baseUrl: 'http://a/', allowPrivateNetwork: 'yes' } }, `${FILE}: service 'catalog': allowPrivateNetwork must be true or false, got "yes"`],
      [{ catalog: { baseUrl: 'http://a/', timeout: 500 } }, `${FILE}: service 'catalog': unknown setting 'timeout' (known: baseUrl, timeoutMs, methods, allowPrivateNetwork, maxResponseBytes)`],
      [{ 'my service': { baseUrl: 'http://a/' } }, `${FILE}: 'my service' is not a service name`],
    ])('refuses %j', (json, message) => {
      expect(() => fromFile(json)).toThrow(message);
    });

    it('says which file cannot be read', () => {
      expect(() => loadBackendServices({ DSP_SERVICES_FILE: '/nonexistent/dsp-services.json' })).toThrow(/^DSP_SERVICES_FILE \/nonexistent\/dsp-services.json cannot be read: ENOENT/);
    });
  });

  it('is part of the platform configuration', () => {
    expect(loadPlatformConfig({ DSP_SERVICES: 'catalog=http://catalog.internal/' }).services).toEqual({ catalog: { baseUrl: 'http://catalog.internal/', ...BACKEND_SERVICE_DEFAULTS } });
  });
});
