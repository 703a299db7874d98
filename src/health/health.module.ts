import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConnectorHealthIndicator } from './connector.health';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [ConnectorHealthIndicator],
})
export class HealthModule {}
