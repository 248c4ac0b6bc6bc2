import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PublicRoute } from '../../auth';
import { EVENT_CATALOG, type EventCatalog } from './event-catalog';
import { ApiRoute } from '../../platform/http/openapi/api-route';
import { EventCatalogSchema } from './event-catalog.schema';

/** The event catalog: documentation of the wire contract, no tenant data, so anyone may read it. */
@ApiTags('events')
@Controller('v1/event-types')
export class EventTypesController {
  @Get()
  @PublicRoute()
  @ApiRoute({
    summary: 'The event catalog: every event type with a JSON Schema and an example per payload mode',
    response: EventCatalogSchema,
  })
  list(): EventCatalog {
    return EVENT_CATALOG;
  }
}
