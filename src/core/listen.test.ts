import { describe, expect, it } from 'vitest';
import { parseListen } from './listen.js';

describe('parseListen', () => {
  it('reads host:port, [v6]:port, and :port as loopback', () => {
    expect(parseListen('0.0.0.0:7420')).toEqual({ host: '0.0.0.0', port: 7420 });
    expect(parseListen('[::1]:514')).toEqual({ host: '::1', port: 514 });
    expect(parseListen(':5514')).toEqual({ host: '127.0.0.1', port: 5514 });
    expect(parseListen('localhost:0')).toEqual({ host: 'localhost', port: 0 });
  });

  it('names the key and the bad value', () => {
    expect(() => parseListen('7420', 'server.listen')).toThrow(
      /server\.listen: expected HOST:PORT .*"7420"/,
    );
    expect(() => parseListen('host:70000')).toThrow(/expected HOST:PORT/);
    expect(() => parseListen('::1:514')).toThrow(/expected HOST:PORT/);
  });
});
