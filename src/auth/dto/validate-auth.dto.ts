import { AuthenticatedRequestDto } from '../../talkdesk/dto/authenticated-request.dto';

export class ValidateAuthRequestDto extends AuthenticatedRequestDto {}
