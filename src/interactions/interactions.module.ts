import { Module } from '@nestjs/common';
import { InteractionsCacheModule } from '../interactions-cache/interactions-cache.module';
import { InteractionsController } from './interactions.controller';
import { InteractionsService } from './interactions.service';

@Module({
  imports: [InteractionsCacheModule],
  controllers: [InteractionsController],
  providers: [InteractionsService],
})
export class InteractionsModule {}
