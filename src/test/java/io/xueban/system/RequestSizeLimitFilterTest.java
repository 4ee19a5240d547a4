package io.xueban.system;


import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A body sent without Content-Length (chunked) is cut off as soon as it passes the limit. */
class RequestSizeLimitFilterTest {

    private final RequestSizeLimitFilter filter =
            new RequestSizeLimitFilter(new HttpSettings(DataSize.ofBytes(1000), DataSize.ofBytes(3000)), null);

    @Test
    void chunkedBodyOverTheLimitFailsWhileBeingRead() {
        MockHttpServletRequest request = chunked(new byte[5000]);

        assertThatThrownBy(() -> filter.doFilter(request, new MockHttpServletResponse(),
                (req, res) -> req.getInputStream().readAllBytes()))
                .isInstanceOf(BodyTooLargeException.class);
    }

    @Test
    void chunkedBodyWithinTheLimitIsReadWhole() throws Exception {
        MockHttpServletRequest request = chunked(new byte[1000]);
        int[] read = new int[1];

        filter.doFilter(request, new MockHttpServletResponse(),
                (req, res) -> read[0] = req.getInputStream().readAllBytes().length);

        assertThat(read[0]).isEqualTo(1000);
    }

    @Test
    void multipartUploadsMayUseTheLargerUploadLimit() throws Exception {
        MockHttpServletRequest within = chunked(new byte[2500]);
        within.setContentType("multipart/form-data; boundary=x");
        int[] read = new int[1];

        filter.doFilter(within, new MockHttpServletResponse(),
                (req, res) -> read[0] = req.getInputStream().readAllBytes().length);
        assertThat(read[0]).isEqualTo(2500);

        MockHttpServletRequest over = chunked(new byte[3500]);
        over.setContentType("multipart/form-data; boundary=x");
        assertThatThrownBy(() -> filter.doFilter(over, new MockHttpServletResponse(),
                (req, res) -> req.getInputStream().readAllBytes()))
                .isInstanceOf(BodyTooLargeException.class);
    }

    private static MockHttpServletRequest chunked(byte[] body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/responses/batch") {
            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        request.setContent(body);
        return request;
    }

}
