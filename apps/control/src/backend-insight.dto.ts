/** Response shapes of `GET /v1/repos/{repo}/insight`, for the OpenAPI document. */
import { ApiProperty } from '@nestjs/swagger';

export class BackendCallSummaryDto {
  @ApiProperty({ example: 'GET /tv/titles/:id' })
  endpoint!: string;

  @ApiProperty({ example: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d', description: 'the script version that made the calls' })
  commit!: string;

  @ApiProperty({ example: 'catalog' })
  service!: string;

  @ApiProperty({ example: 'GET' })
  method!: string;

  @ApiProperty({ example: 1200, description: 'summed over the gateway nodes' })
  calls!: number;

  @ApiProperty({ example: 3, description: 'calls that failed or answered 5xx' })
  failures!: number;

  @ApiProperty({ example: 5400.25 })
  totalMs!: number;

  @ApiProperty({ example: 4.5 })
  meanMs!: number;

  @ApiProperty({ example: 87.1, description: 'the slowest call on any node' })
  maxMs!: number;

  @ApiProperty({ example: 2, description: 'how many gateway nodes reported these calls' })
  nodes!: number;

  @ApiProperty({ example: '2024-05-01T12:00:05.000Z', description: 'latest report of any of those nodes (they report every few seconds)' })
  lastReportedAt!: string;
}

export class BackendInsightDto {
  @ApiProperty({ example: 'tv' })
  repository!: string;

  @ApiProperty({ type: [BackendCallSummaryDto], description: 'sorted by endpoint, commit, service and method' })
  calls!: BackendCallSummaryDto[];
}
