import { Module } from '@nestjs/common';
import { InteractionsCache } from './interactions-cache.service';

/**
 * The interactions cache, shared by the two features that touch it: interaction retrieval reads
 * and fills it, action execution invalidates an account's entries. A module of its own so that
 * neither feature imports the other.
 */
@Module({
  providers: [InteractionsCache],
  exports: [InteractionsCache],
})
export class InteractionsCacheModule {}
