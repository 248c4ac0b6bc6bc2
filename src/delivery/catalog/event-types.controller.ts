import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PublicRoute } from '../../auth';
import { EVENT_CATALOG, type EventCatalog } from './event-catalog';

/** The event catalog: documentation of the wire contract, no tenant data, so anyone may read it. */
@ApiTags('events')
@Controller('v1/event-types')
export class EventTypesController {
  @Get()
  @PublicRoute()
  @ApiOkResponse({
    description: 'every event type with a JSON Schema and an example per payload mode (thin, full, sealed)',
  })
  list(): EventCatalog {
    return EVENT_CATALOG;
  }
}
