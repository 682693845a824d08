import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config.ts';

/**
 * The scaffolded config plus the nested plugins' logos (the scaffold copies only the app's).
 * @tidemark/core resolves through its workspace symlink to TypeScript sources outside node_modules,
 * so the scaffold's swc rule already transpiles it.
 */
const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  return {
    ...base,
    plugins: [...(base.plugins ?? []), new CopyWebpackPlugin({ patterns: [{ from: '*/img/*', to: '.' }] })],
  };
};

export default config;
