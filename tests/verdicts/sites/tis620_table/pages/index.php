<!-- title: หน้าแรก -->
<p>ยินดีต้อนรับสู่เว็บไซต์ องค์การบริหารส่วนตำบลนาดี</p>
<table width="100%" border="1" cellspacing="0" cellpadding="3"><tr><td><b>ข่าวล่าสุด</b></td></tr>
<tr><td>- <a href="news.php">ประชาสัมพันธ์การรับสมัครเด็กเล็ก ปีการศึกษา 2568</a></td></tr>
<tr><td>- <a href="files/report-2567.pdf">รายงานผลการดำเนินงาน ประจำปี 2567</a></td></tr></table>
