import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';

export class AuthorDto {
  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[^<>\n]+$/, { message: 'author.name may not contain <, > or newlines' })
  name!: string;

  @ApiProperty({ example: 'ada@example.com' })
  @IsString()
  @MaxLength(200)
  // git takes almost any address (dev@localhost is common); only what would break the object is refused.
  @Matches(/^[^<>\s@]+@[^<>\s@]+$/, { message: 'author.email must look like name@host, without spaces, < or >' })
  email!: string;
}

export class FileChangeDto {
  @ApiProperty({ example: 'hello.js' })
  @IsString()
  @IsNotEmpty()
  path!: string;

  @ApiPropertyOptional({ description: 'New content (UTF-8 text). Omit when delete is true.' })
  @ValidateIf((change: FileChangeDto) => change.delete !== true)
  @IsString({ message: 'content must be a string (or set "delete": true)' })
  content?: string;

  @ApiPropertyOptional({ description: 'Delete the file.' })
  @IsOptional()
  @IsBoolean()
  delete?: boolean;
}

export class CommitDto {
  @ApiProperty({ example: 'main' })
  @IsString()
  @IsNotEmpty()
  branch!: string;

  @ApiProperty({ nullable: true, type: String, description: 'The branch head this commit builds on; null for an empty branch.' })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(/^[0-9a-f]{40}$/, { message: 'parent must be a full 40-digit commit id or null' })
  parent!: string | null;

  @ApiProperty({ example: 'Say hello' })
  @IsString()
  @IsNotEmpty()
  message!: string;

  @ApiProperty({ type: AuthorDto })
  @ValidateNested()
  @Type(() => AuthorDto)
  author!: AuthorDto;

  @ApiProperty({ type: [FileChangeDto] })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => FileChangeDto)
  changes!: FileChangeDto[];
}

export class CreateRepositoryDto {
  @ApiProperty({ example: 'tv', description: 'lowercase letters, digits and "-", 2-63 characters' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{1,62}$/, { message: 'name must be 2-63 characters: lowercase letters, digits and "-", starting with a letter' })
  name!: string;
}
