import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AccountResolver } from './account-resolver.service';
import { TokenSigner } from './token-codec';
import { tokenSignerFor } from './token-secrets';

/** What every Talkdesk endpoint shares. */
@Global()
@Module({
  providers: [
    AccountResolver,
    {
      provide: TokenSigner,
      useFactory: (config: AppConfig) => tokenSignerFor(config),
      inject: [AppConfig],
    },
  ],
  exports: [AccountResolver, TokenSigner],
})
export class TalkdeskModule {}
