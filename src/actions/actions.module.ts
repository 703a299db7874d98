import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { InteractionsModule } from '../interactions/interactions.module';
import { ActionsController } from './actions.controller';
import { ActionsService } from './actions.service';

@Module({
  imports: [IdempotencyModule, InteractionsModule],
  controllers: [ActionsController],
  providers: [ActionsService],
})
export class ActionsModule {}
