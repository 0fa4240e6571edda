export * from './manifest';
export * from './deployment-content.policy';
export * from './registry.projection';
export * from './script-precompiler.projection';
export * from './deployment.module';
export * from './deployed-branch.constant';
export * from './registry-entry.builder';
export * from './endpoint-changes.util';
