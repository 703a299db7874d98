import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  ActionConfigurationDto,
  IntegrationConfigurationDto,
} from './dto/integration-configuration.dto';
import {
  ActionConfiguration,
  IntegrationConfiguration,
  IntegrationService,
} from './integration.service';
import { PublicEndpoint } from '../security/public-endpoint.decorator';

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#5405bd"/><path d="M14 32h12l6-12 6 24 6-12h6" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

@ApiTags('Integration configuration')
@PublicEndpoint()
@Controller('integration')
export class IntegrationController {
  constructor(private readonly integration: IntegrationService) {}

  @Get('configuration')
  @ApiOperation({
    summary: 'The integration configuration to give Talkdesk for this deployment',
    description:
      'URLs start with PUBLIC_BASE_URL; features the connected system lacks are left out.',
  })
  @ApiOkResponse({ type: IntegrationConfigurationDto })
  configuration(): IntegrationConfiguration {
    return this.integration.configuration();
  }

  @Get('actions')
  @ApiOperation({ summary: 'The action configurations to give Talkdesk' })
  @ApiOkResponse({ type: [ActionConfigurationDto] })
  actions(): ActionConfiguration[] {
    return this.integration.actionConfigurations();
  }

  @Get('logo.svg')
  @Header('content-type', 'image/svg+xml')
  @Header('cache-control', 'public, max-age=86400')
  @ApiOperation({ summary: 'The logo and icon the configuration points at' })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: 'An SVG image.' })
  logo(): string {
    return LOGO;
  }
}
