import { Global, Module } from '@nestjs/common';
import { AccountResolver } from './account-resolver.service';

/** What every Talkdesk endpoint shares. */
@Global()
@Module({ providers: [AccountResolver], exports: [AccountResolver] })
export class TalkdeskModule {}
