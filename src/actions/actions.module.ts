import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { InteractionsCacheModule } from '../interactions-cache/interactions-cache.module';
import { ActionsController } from './actions.controller';
import { ActionsService } from './actions.service';

@Module({
  imports: [IdempotencyModule, InteractionsCacheModule],
  controllers: [ActionsController],
  providers: [ActionsService],
})
export class ActionsModule {}
