import { ApiProperty } from '@nestjs/swagger';

export class SessionDto {
  @ApiProperty({ description: "The portal account's id (sub)" })
  userId!: string;
  @ApiProperty({ description: 'The portal username' })
  username!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The display name, when the portal has one' })
  name!: string | null;
  @ApiProperty({ description: "This library's name (the node name)" })
  library!: string;
  @ApiProperty({ description: "The portal's origin; its /chooser lists the other libraries" })
  portalUrl!: string;
  @ApiProperty({ enum: ['admin', 'manager', 'user', 'contributor', 'viewer', 'guest'] })
  role!: string;
  @ApiProperty({ type: [String] })
  groups!: string[];
  @ApiProperty({ type: String, nullable: true })
  basePath!: string | null;
  @ApiProperty({ type: String, nullable: true })
  uploadPath!: string | null;
  @ApiProperty()
  webdav!: boolean;
  @ApiProperty({ description: 'Send as X-CSRF-Token on state-changing requests' })
  csrfToken!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
  @ApiProperty({ type: [String], description: 'Permissions the role holds in some scope' })
  permissions!: string[];
}
