import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { AuthorDto } from './commit.dto';

export class CreateBranchDto {
  @ApiProperty({ example: 'feature/new-row' })
  @IsString()
  @IsNotEmpty()
  name!: string;

  @ApiProperty({ example: 'main', description: 'any revision: branch, tag, commit id or prefix, main~2' })
  @IsString()
  @IsNotEmpty()
  from!: string;
}

export class ProtectionDto {
  @ApiProperty({ description: 'only merges may move the branch' })
  @IsBoolean()
  requireMerge!: boolean;
}

export class CreateTagDto {
  @ApiProperty({ example: 'v1.2.0' })
  @IsString()
  @IsNotEmpty()
  name!: string;

  @ApiProperty({ example: 'main' })
  @IsString()
  @IsNotEmpty()
  revision!: string;
}

export class MergeDto {
  @ApiProperty({ example: 'feature/new-row', description: 'the revision to merge (usually a branch)' })
  @IsString()
  @IsNotEmpty()
  source!: string;

  @ApiProperty({ example: 'main' })
  @IsString()
  @IsNotEmpty()
  target!: string;

  @ApiProperty({ type: AuthorDto })
  @ValidateNested()
  @Type(() => AuthorDto)
  author!: AuthorDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  message?: string;

  @ApiPropertyOptional({ description: 'only say whether it would conflict' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({ description: 'refuse unless the target head is still this commit' })
  @IsOptional()
  @Matches(/^[0-9a-f]{40}$/, { message: 'expectedTarget must be a full 40-digit commit id' })
  expectedTarget?: string;

  @ApiPropertyOptional({ description: 'always create a merge commit' })
  @IsOptional()
  @IsBoolean()
  noFastForward?: boolean;
}

export class RevertDto {
  @ApiProperty({ description: 'the commit to undo (any revision)' })
  @IsString()
  @IsNotEmpty()
  commit!: string;

  @ApiProperty({ example: 'main' })
  @IsString()
  @IsNotEmpty()
  branch!: string;

  @ApiProperty({ type: AuthorDto })
  @ValidateNested()
  @Type(() => AuthorDto)
  author!: AuthorDto;

  @ApiPropertyOptional({ description: 'for a merge commit: 1 keeps the first parent side, 2 the second' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(16)
  mainline?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  message?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[0-9a-f]{40}$/, { message: 'expectedHead must be a full 40-digit commit id' })
  expectedHead?: string;
}

export class RollbackDto {
  @ApiProperty({ example: 'main~1', description: 'a commit of main to serve instead of its head' })
  @IsString()
  @IsNotEmpty()
  to!: string;

  @ApiProperty({ example: 'error rate up after 3f2a1c0' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ description: 'who asks (default: the token holder)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;
}

export class RollForwardDto {
  @ApiProperty({ example: 'fixed in 9c1d2e3' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ description: 'pin this commit of main instead of following its head again' })
  @IsOptional()
  @IsString()
  to?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;
}

export const DIFF_FORMATS = ['text', 'json', 'endpoints'] as const;
export class DiffFormat {
  @IsIn(DIFF_FORMATS)
  format!: (typeof DIFF_FORMATS)[number];
}
