import { Global, Module } from '@nestjs/common';
import { ShutdownState } from './shutdown-state';

/** The process's life cycle: draining on shutdown, in-flight requests. */
@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class LifecycleModule {}
