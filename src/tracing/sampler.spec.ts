import { ConfigError } from '../common/config-error';
import { samplerFromEnvironment } from './sampler';

describe('samplerFromEnvironment', () => {
  it('follows the caller, else samples everything, by default', () => {
    expect(samplerFromEnvironment({}).toString()).toMatch(/ParentBased\{root=AlwaysOnSampler/);
  });

  it('reads OTEL_TRACES_SAMPLER and its ratio', () => {
    expect(samplerFromEnvironment({ OTEL_TRACES_SAMPLER: 'always_off' }).toString()).toBe(
      'AlwaysOffSampler',
    );
    expect(
      samplerFromEnvironment({
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }).toString(),
    ).toMatch(/TraceIdRatioBased\{0\.25\}/);
  });

  it('refuses an unknown sampler or a ratio out of range, naming the variable', () => {
    expect(() => samplerFromEnvironment({ OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(
      ConfigError,
    );
    expect(() =>
      samplerFromEnvironment({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }),
    ).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });
});
