import { Body, Controller, Get, Param, Post, Put, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { Public } from '../auth/public.decorator';
import { Roles } from '../auth/roles.decorator';
import { AuditService } from '../audit/audit.service';

@UseGuards(AuthGuard('jwt'))
@Controller('patients')
export class PatientsController {
  constructor(private readonly patients: PatientsService, private readonly audits: AuditService) {}

  @Get(':id')
  @Roles('clinician')
  async findOne(@Param('id') id: string): Promise<Patient> {
    const patient = await this.patients.get(id);
    await this.audit('read', id);
    return patient;
  }

  @Post()
  async create(@Body() body: Patient): Promise<Patient> {
    return this.patients.create(body);
  }

  @Public()
  @Get('export/all')
  async exportAll(): Promise<Patient[]> {
    await this.audit('export', '*');
    return this.patients.all();
  }

  private async audit(action: string, id: string): Promise<void> {
    await this.audits.record({ action, id });
  }
}

@Controller({ path: 'fhir' })
export class ObservationsController {
  @Get('/healthz')
  health(): string {
    return 'ok';
  }

  @Put('Observation/:id')
  async update(@Param('id') id: string): Promise<void> {
    await recordAudit('update', id);
  }
}
