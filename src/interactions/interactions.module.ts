import { Module } from '@nestjs/common';
import { InteractionsCache } from '../interactions-cache/interactions-cache.service';
import { InteractionsController } from './interactions.controller';
import { InteractionsService } from './interactions.service';

@Module({
  controllers: [InteractionsController],
  providers: [InteractionsService, InteractionsCache],
  exports: [InteractionsCache],
})
export class InteractionsModule {}
