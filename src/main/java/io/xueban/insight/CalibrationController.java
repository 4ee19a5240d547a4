package io.xueban.insight;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.xueban.security.AccessPolicy;
import io.xueban.security.CurrentUser;

/** Item calibration: on an uploaded answer matrix (staff), or on the school's own items (admin). */
@RestController
@RequestMapping("/api/insight")
class CalibrationController {

    private final ItemCalibration calibration;
    private final AccessPolicy access;

    CalibrationController(ItemCalibration calibration, AccessPolicy access) {
        this.calibration = calibration;
        this.access = access;
    }

    @PostMapping(path = "/calibrations", consumes = {"text/csv", MediaType.TEXT_PLAIN_VALUE})
    @Operation(summary = "Calibrate items from a CSV answer matrix (header: item ids; rows: 1, 0 or empty per item); "
            + "model=rasch (conditional ML) or 2pl (marginal ML)")
    Calibration calibrate(CurrentUser me, @RequestParam(defaultValue = "rasch") String model, @RequestBody byte[] csv) {
        access.requireStaff(me);
        ItemCalibration.Model chosen = ItemCalibration.Model.of(model);
        return calibration.calibrate(ItemCalibration.parse(csv), chosen);
    }

    @PostMapping("/item-calibrations")
    @Operation(summary = "Calibrate the school's items from stored responses and store the parameters on the items (admin)")
    ItemCalibration.SchoolCalibration calibrateSchool(CurrentUser me, @RequestParam(defaultValue = "rasch") String model,
            @RequestParam(required = false) Long subjectId) {
        access.requireAdmin(me);
        return calibration.calibrateSchool(me.schoolId(), subjectId, ItemCalibration.Model.of(model));
    }
}
