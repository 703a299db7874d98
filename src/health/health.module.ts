import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConnectorHealthIndicator } from './connector.health';
import { HealthController } from './health.controller';
import { ShutdownHealthIndicator } from './shutdown.health';
import { StoreHealthIndicator } from './store.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ConnectorHealthIndicator, ShutdownHealthIndicator, StoreHealthIndicator],
})
export class HealthModule {}
